import { AppError } from '../common/app-error.js';

export const activationErrors = {
  codeInvalid: () =>
    new AppError(400, 10142, 'activation_code_invalid', 'The activation code is invalid, expired or already used'),
  alreadyVerified: () => new AppError(409, 10143, 'email_already_verified', 'This email address is already verified'),
  noEmail: () => new AppError(400, 10144, 'email_missing', 'This account has no email address to verify'),
};
