// Staff pages of the audit review and recertification review capabilities.
import { AuditCasePage, AuditQueuePage } from "./staff-audit.mjs";
import { RecertApplicationPage, RecertQueuePage } from "./staff-recertification.mjs";

export const staffExtraPages = {
  audits: AuditQueuePage,
  audit: AuditCasePage,
  recertifications: RecertQueuePage,
  recertification: RecertApplicationPage,
};
export const staffExtraNav = [
  ["#/audits", "Audit queue"],
  ["#/recertifications", "Recertification queue"],
];
