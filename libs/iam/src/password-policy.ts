import type { StatusCause } from '@mortise/api';

/** Checks a new password: long enough, and not the username or email. Empty when acceptable. */
export function checkPasswordPolicy(
  password: unknown,
  owner: { username: string; email?: string },
  minLength: number,
  field = 'password',
): StatusCause[] {
  if (typeof password !== 'string' || password.length === 0) {
    return [{ reason: 'FieldValueRequired', field, message: 'a password is required' }];
  }
  const causes: StatusCause[] = [];
  if ([...password].length < minLength) {
    causes.push({
      reason: 'FieldValueInvalid',
      field,
      message: `the password must have at least ${minLength} characters`,
    });
  }
  const lowered = password.toLowerCase();
  if (lowered === owner.username.toLowerCase() || (owner.email && lowered === owner.email.toLowerCase())) {
    causes.push({
      reason: 'FieldValueInvalid',
      field,
      message: 'the password must differ from the username and email',
    });
  }
  return causes;
}
