import { Injectable } from '@nestjs/common';
import { CredentialsService } from '../auth/credentials.service.js';
import { fail, invalid } from '../common/errors/index.js';
import type { RequestMeta } from '../common/request-context.js';
import { SmsCodeService } from '../sms/sms-code.service.js';
import type { User } from '../users/user.entity.js';

export interface Proof {
  password?: string;
  /** A code sent to the account's current phone. */
  verify?: string;
}

/** The owner's proof for a sensitive request: the password (limited like login) or a code to the account's phone. */
@Injectable()
export class AccountProof {
  constructor(
    private readonly credentials: CredentialsService,
    private readonly sms: SmsCodeService,
  ) {}

  /** Exactly one proof; returns which one. */
  async prove(user: User, proof: Proof, client: Pick<RequestMeta, 'ip' | 'signal'>): Promise<'password' | 'sms'> {
    if ((proof.password === undefined) === (proof.verify === undefined)) {
      throw invalid({ password: "give either password or verify (an SMS code sent to the account's phone)" });
    }
    if (proof.verify !== undefined) {
      if (!user.phone) throw fail('sms_code_invalid');
      await this.sms.verify(user.phone, proof.verify);
      return 'sms';
    }
    await this.credentials.assertPassword(user, user.username, proof.password!, client);
    return 'password';
  }
}
