/**
 * Accounts: users, roles, grants, API tokens, sessions, per-user preferences and the audit
 * trail, kept in the host's store.
 */

export {
  AUDIT_PRUNE_ACTION,
  type AuditPruning,
  auditRetentionDays,
  pruneAuditTrail,
  scheduleAuditRetention,
} from './audit-retention.js';
export { assertRole, hashTokenSecret, KyselyAccountStore } from './kysely-account-store.js';
export { hashPassword, passwordProblem, verifyPassword } from './passwords.js';
export type {
  Access,
  AccountStore,
  ApiToken,
  AuditEntry,
  AuditFilter,
  CreatedToken,
  Grant,
  Role,
  StoredSession,
  User,
} from './types.js';
export { ROLES } from './types.js';
