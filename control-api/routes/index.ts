import type { ApiDeps } from '../deps.js';
import type { RouteTable } from '../http/route.js';
import { mountApiKeyRoutes } from './api-keys.js';
import { mountAuditLogRoutes } from './audit-log.js';
import { mountBalanceRoutes } from './balance.js';
import { mountBlockedPrefixRoutes } from './blocked-prefixes.js';
import { mountCarrierRoutes } from './carriers.js';
import { mountCallRoutes } from './calls.js';
import { mountCdrRoutes } from './cdrs.js';
import { mountDiagnosticRecordingRoutes } from './diagnostic-recordings.js';
import { mountNumberRoutes, mountStaffSubscriptionRoutes } from './numbers.js';
import { mountBundleRoutes } from './bundles.js';
import { mountOutboundRouteRoutes } from './outbound-routes.js';
import { mountPrivacyRoutes } from './privacy.js';
import { mountRateDeckRoutes } from './rate-decks.js';
import { mountRecordingRoutes } from './recordings.js';
import { mountSipUserRoutes } from './sip-users.js';
import { mountSmsRoutes } from './sms.js';
import { mountStaffAuthRoutes } from './staff-auth.js';
import { mountTenantRoutes } from './tenants.js';
import { mountTenantUserRoutes } from './tenant-users.js';

/** Every /v1 resource, one router file each. */
export function mountAllRoutes(routes: RouteTable, deps: ApiDeps): void {
  mountStaffAuthRoutes(routes, deps);
  mountTenantRoutes(routes, deps);
  mountTenantUserRoutes(routes, deps);
  mountApiKeyRoutes(routes, deps);
  mountSipUserRoutes(routes, deps);
  mountNumberRoutes(routes, deps);
  mountStaffSubscriptionRoutes(routes, deps);
  mountBalanceRoutes(routes, deps);
  mountBundleRoutes(routes, deps);
  mountCdrRoutes(routes, deps);
  mountSmsRoutes(routes, deps);
  mountCarrierRoutes(routes, deps);
  mountOutboundRouteRoutes(routes, deps);
  mountBlockedPrefixRoutes(routes, deps);
  mountRateDeckRoutes(routes, deps);
  mountRecordingRoutes(routes, deps);
  mountDiagnosticRecordingRoutes(routes, deps);
  mountCallRoutes(routes, deps);
  mountAuditLogRoutes(routes, deps);
  mountPrivacyRoutes(routes, deps);
}
