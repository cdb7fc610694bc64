export { Authorizer } from './authorizer.js';
export type { Authorized, AuthorizerOptions } from './authorizer.js';
export { TenantDirectory } from './tenant-directory.js';
