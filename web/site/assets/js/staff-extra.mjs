// Staff pages of capabilities that arrive separately (audit review, recertification review).
export const staffExtraPages = {};
export const staffExtraNav = [];
