// Portal pages of the audit case and recertification capabilities.
import { AuditPage } from "./audit.mjs";
import { RecertificationPage } from "./recertification.mjs";

export const extraPages = { audit: AuditPage, recertification: RecertificationPage };
export const extraNav = [
  ["#/audit", "Audit"],
  ["#/recertification", "Recertification"],
];
