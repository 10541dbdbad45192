/**
 * The vault's errors: a subset of the one registry (packages/protocol), with
 * its HTTP statuses and messages safe to show. docs/vault.md lists the codes
 * the vault answers with. Messages never echo input.
 */
import { ERRORS, VAULT_ERROR_CODES, type VaultErrorCode } from '@parley/protocol';

export type { VaultErrorCode };

/** The registry entries of the vault's codes. */
export const VAULT_ERRORS = Object.fromEntries(
  VAULT_ERROR_CODES.map((code) => [code, ERRORS[code]]),
) as { [C in VaultErrorCode]: (typeof ERRORS)[C] };

export class VaultError extends Error {
  readonly code: VaultErrorCode;
  readonly status: number;
  constructor(code: VaultErrorCode, message?: string) {
    super(message ?? ERRORS[code].message);
    this.name = 'VaultError';
    this.code = code;
    this.status = ERRORS[code].status;
  }
}

export interface VaultErrorBody {
  error: { code: VaultErrorCode; message: string };
}

export function errorBody(code: VaultErrorCode, message?: string): VaultErrorBody {
  return { error: { code, message: message ?? ERRORS[code].message } };
}
