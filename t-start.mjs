const t0 = performance.now();
process.env.DATABASE_URL='postgres://postgres@127.0.0.1:5432/auth_dev'; process.env.LOG_LEVEL='warn'; process.env.PORT='3398'; process.env.HOST='127.0.0.1';
await import('./dist/bundle/main.js');
for (;;) { try { const r = await fetch('http://127.0.0.1:3398/health/ready'); if (r.ok) break; } catch {} await new Promise(r=>setTimeout(r,10)); }
console.log('ready', Math.round(performance.now() - t0), 'rss', Math.round(process.memoryUsage().rss/1048576));
await new Promise((r) => setTimeout(r, 1000));
console.log('rss after 1s', Math.round(process.memoryUsage().rss/1048576), 'heap', Math.round(process.memoryUsage().heapUsed/1048576));
process.exit(0);
