/** Audit entries as the back office reads them. */
import type { AuditEntryView } from '../../../../shared/audit';
import type { AuditEntryDoc } from './audit.model';

export function presentAuditEntry(doc: AuditEntryDoc): AuditEntryView {
  return {
    id: doc._id.toHexString(),
    at: doc.at.toISOString(),
    actor: doc.actor,
    action: doc.action,
    targetType: doc.targetType,
    targetId: doc.targetId,
    details: doc.details ?? {},
    ip: doc.ip,
    requestId: doc.requestId,
  };
}
