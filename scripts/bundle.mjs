// Bundles the compiled API and worker (dist/src) into one file each (dist/bundle). Loading one module instead
// of several thousand is what brings start-up under the performance target (docs/performance.md).
// Packages that read files next to themselves, native addons and optional peers stay external.
import { build } from 'esbuild';
import { copyFile, writeFile } from 'node:fs/promises';

const external = [
  // files read relative to the package (__dirname), native addons, WebAssembly
  'swagger-ui-dist',
  '@bull-board/ui',
  'argon2',
  '@electric-sql/pglite',
  '@electric-sql/pglite-socket',
  'msgpackr-extract',
  // loaded on first use only (src/sms/provider-http.ts)
  'undici',
  // optional peers that Nest, TypeORM, Bull Board and Fastify load only when installed
  '@nestjs/microservices',
  '@nestjs/microservices/*',
  '@nestjs/websockets',
  '@nestjs/websockets/*',
  '@nestjs/platform-express',
  '@fastify/view',
  '@fastify/multipart',
  'class-transformer/storage',
  'bullmq',
  'pg-native',
  'pg-query-stream',
  '@mikro-orm/core',
  '@nestjs/mongoose',
  '@nestjs/sequelize',
  'mysql',
  'mysql2',
  'sqlite3',
  'better-sqlite3',
  'oracledb',
  'mssql',
  'sql.js',
  'redis',
  'mongodb',
  'typeorm-aurora-data-api-driver',
  'react-native-sqlite-storage',
  '@sap/hana-client',
  '@sap/hana-client/*',
  'hdb-pool',
  '@google-cloud/spanner',
  'cpu-features',
  'ssh2',
];

await build({
  entryPoints: { main: 'dist/src/main.js', worker: 'dist/src/worker.js' },
  outdir: 'dist/bundle',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  keepNames: true, // Nest and TypeORM use class and function names
  external,
  // CommonJS dependencies inside an ES module bundle still need `require`.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
});

// main.js and worker.js are CommonJS: they size libuv's thread pool before anything uses it, then import
// main.mjs / worker.mjs (src/config/thread-pool-entry.ts, docs/abuse.md).
await build({
  entryPoints: { main: 'dist/src/config/thread-pool-entry.js', worker: 'dist/src/config/thread-pool-entry.js' },
  outdir: 'dist/bundle',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  logLevel: 'warning',
});
await writeFile('dist/bundle/package.json', '{ "type": "commonjs" }\n');
// Read next to the module that loads it (src/auth/password-policy.ts).
for (const dir of ['dist/bundle', 'dist/src/auth'])
  await copyFile('src/auth/common-passwords.txt.gz', `${dir}/common-passwords.txt.gz`);
