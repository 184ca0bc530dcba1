/** Where two-factor sign-in is set up and managed; the only page open to an admin who must enrol. */
export const TWO_FACTOR_PATH = "/two-factor";
