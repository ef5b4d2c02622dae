import { ApiProperty } from '@nestjs/swagger';
import { TokensView } from '../../auth/auth.responses.js';

export class WechatSignedInView extends TokensView {
  @ApiProperty({ description: 'true when this login created the account' })
  is_new: boolean;
}
