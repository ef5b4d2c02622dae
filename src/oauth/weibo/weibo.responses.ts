import { ApiProperty } from '@nestjs/swagger';

export class OAuthUrlView {
  @ApiProperty({ example: 'https://api.weibo.com/oauth2/authorize?client_id=…&state=…' })
  oauth_url: string;
}

class WeiboProfileView {
  @ApiProperty({ example: '1234567890' }) uid: string;
  @ApiProperty({ type: 'string', nullable: true }) screen_name: string | null;
  @ApiProperty({ type: 'string', nullable: true }) avatar: string | null;
}

/** A Weibo account bound to no user yet: the ticket for POST /v1/users/weibo/users or /weibo/bind. */
export class BindOfferView {
  @ApiProperty({ description: 'single use, short-lived' }) bind_ticket: string;
  @ApiProperty({ example: 600 }) expires_in: number;
  @ApiProperty({ type: WeiboProfileView }) profile: WeiboProfileView;
}
