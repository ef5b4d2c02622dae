import { ApiProperty } from '@nestjs/swagger';

/** A new session: the access token and its refresh token. */
export class TokensView {
  @ApiProperty({ description: 'the access token (JWT), sent as `Authorization: Bearer …`' })
  token: string;

  @ApiProperty({ description: 'single use: POST /v1/tokens/refresh answers a new pair' })
  refresh_token: string;

  @ApiProperty({ example: 900, description: 'seconds the access token is valid' })
  expires_in: number;

  @ApiProperty({ example: 'xiaoming_88' })
  username: string;
}
