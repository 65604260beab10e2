// What a request carries from middleware to handlers, shared by the hub's app and every sub-app
// mounted on it. A leaf: it imports nothing of web/, so any route module may use it.

/** Who a bearer token or an admin session turned out to be. */
export interface TokenIdentity {
  /** The api_tokens row; null for ADMIN_TOKEN. */
  id: number | null;
  name: string;
  readOnly: boolean;
}

export type AppEnv = { Variables: { requestId: string; token?: TokenIdentity } };
