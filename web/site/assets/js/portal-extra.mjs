// Portal pages of capabilities that arrive separately (audit case, recertification).
export const extraPages = {};
export const extraNav = [];
