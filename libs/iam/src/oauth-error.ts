import { MortiseError, type StatusReason } from '@mortise/api';

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'unsupported_token_type';

/**
 * An RFC 6749 §5.2 error. The OAuth endpoints answer it as
 * `{error, error_description}`; elsewhere it maps to a Status like any
 * domain error.
 */
export class OAuthError extends MortiseError {
  readonly reason: StatusReason;
  readonly code: number;

  constructor(
    readonly error: OAuthErrorCode,
    description: string,
  ) {
    super(description);
    // invalid_client is 401 (the client may retry with credentials); the rest are 400.
    this.code = error === 'invalid_client' ? 401 : 400;
    this.reason = error === 'invalid_client' ? 'Unauthorized' : 'BadRequest';
  }

  toJSON(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.error, error_description: this.message };
  }
}
