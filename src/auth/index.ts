export type { Role } from './roles.js';
export { isRole, ROLES } from './roles.js';
export type { ApiToken, CreatedToken, CreateTokenOptions, RevokeResult, TokenStatus } from './tokens.js';
export { ANONYMOUS, countActiveTokens, createToken, getToken, listTokens, revokeToken, tokenStatus } from './tokens.js';
export type { DenialReason, TokenVerifier, TokenVerifierOptions, Verification } from './token-verifier.js';
export { createTokenVerifier } from './token-verifier.js';
export { looksLikeToken, TOKEN_PREFIX } from './token-secret.js';
