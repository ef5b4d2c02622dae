import { build } from 'esbuild';
const t = Date.now();
await build({
  entryPoints: { main: 'dist/src/main.js', worker: 'dist/src/worker.js' },
  outdir: 'dist/bundle',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  keepNames: true,
  sourcemap: false,
  minify: true,
  external: ['argon2', 'pg-native', '@electric-sql/pglite', '@electric-sql/pglite-socket', '@nestjs/microservices', '@nestjs/microservices/*', '@nestjs/websockets', '@nestjs/websockets/*', '@fastify/view', 'class-transformer/storage', '@mikro-orm/core', '@nestjs/mongoose', '@nestjs/sequelize', 'mysql', 'mysql2', 'sqlite3', 'better-sqlite3', 'oracledb', 'mssql', 'sql.js', 'redis', 'typeorm-aurora-data-api-driver', 'react-native-sqlite-storage', '@sap/hana-client', 'hdb-pool', 'mongodb', 'ioredis/built/cluster', 'pg-query-stream', '@google-cloud/spanner', '@sap/hana-client/extension/Stream', 'msgpackr-extract', 'cpu-features', 'ssh2', 'bullmq', '@nestjs/platform-express', '@fastify/multipart'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
});
console.log('bundled in', Date.now() - t, 'ms');
