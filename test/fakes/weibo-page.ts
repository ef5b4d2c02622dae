import { avatarUrl, escapeHtml, type WeiboUser } from './weibo-data.js';

const STYLE = `
body{font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f2f2f5;color:#333}
main{max-width:480px;margin:0 auto;padding:16px}
h1{font-size:20px;color:#e6162d;margin:8px 0}
p{font-size:15px;color:#666}
.user{display:flex;align-items:center;gap:12px;background:#fff;border-radius:10px;padding:12px;margin:10px 0}
.user img{width:48px;height:48px;border-radius:50%}
.user div{flex:1;font-size:16px}
.user small{display:block;color:#999;font-size:12px}
button{font-size:16px;border:0;border-radius:8px;padding:12px 14px}
.ok{background:#ff8200;color:#fff}
.deny{width:100%;margin-top:12px;background:#ddd;color:#333}
`;

/** The fake's consent page (docs/providers/weibo.md, authorize): pick a test user, or deny. */
export function authorizePage(params: URLSearchParams, users: WeiboUser[], base: string): string {
  const hidden = [...params]
    .filter(([key]) => key !== 'uid' && key !== 'deny')
    .map(([key, value]) => `<input type="hidden" name="${escapeHtml(key)}" value="${escapeHtml(value)}">`)
    .join('');
  const rows = users.map((user) => userRow(user, base)).join('');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>微博授权（测试）</title>
<style>${STYLE}</style></head><body><main>
<h1>微博登录授权（模拟）</h1>
<p>应用 ${escapeHtml(params.get('client_id') ?? '')} 请求获取你的公开信息。请选择一个测试用户：</p>
<form method="get" action="/oauth2/authorize">${hidden}${rows}
<button class="deny" type="submit" name="deny" value="1">拒绝</button>
</form></main></body></html>`;
}

function userRow(user: WeiboUser, base: string): string {
  return `<div class="user"><img alt="" src="${escapeHtml(avatarUrl(user, base, 50))}">
<div>${escapeHtml(user.screen_name)}<small>UID ${escapeHtml(user.uid)}</small></div>
<button class="ok" type="submit" name="uid" value="${escapeHtml(user.uid)}">以此用户授权</button></div>`;
}
