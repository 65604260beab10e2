// Entry of a read-pool worker thread. A worker starts without the main thread's module hooks,
// so the TypeScript sources are loaded through tsx here as well (as bin/passerelle.js does).
import { register } from 'tsx/esm/api';

register();
const { readTask } = await import('./read-task.ts');

export default readTask;
