// Portal pages of the audit case and recertification capabilities.
import { AuditPage } from "./audit.mjs";

export const extraPages = { audit: AuditPage };
export const extraNav = [["#/audit", "Audit"]];
