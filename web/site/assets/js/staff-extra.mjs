// Staff pages of the audit review and recertification review capabilities.
import { AuditCasePage, AuditQueuePage } from "./staff-audit.mjs";

export const staffExtraPages = { audits: AuditQueuePage, audit: AuditCasePage };
export const staffExtraNav = [["#/audits", "Audit queue"]];
