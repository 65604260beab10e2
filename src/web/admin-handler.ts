// What an admin page handler is given: the signed-in session and the posted form. A leaf shared
// by admin-pages.tsx and the route modules it mounts, so they need not import each other.
import type { Context } from 'hono';
import type { AppEnv, TokenIdentity } from './app-env.ts';
import type { AdminContext } from './pages/admin-frame.tsx';

export type FormBody = Record<string, string | File | (string | File)[]>;
export type Signed = { identity: TokenIdentity; token: string; viaCookie: boolean };
export type Handler = (c: Context<AppEnv>, ctx: AdminContext, session: Signed, form: FormBody) => Promise<Response>;
