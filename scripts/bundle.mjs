// Bundles the compiled API and worker (dist/src) into one file each (dist/bundle). Loading one module instead
// of several thousand is what brings start-up under the performance target (README, Performance).
// Packages that read files next to themselves, native addons and optional peers stay external.
import { build } from 'esbuild';

const external = [
  // files read relative to the package (__dirname), native addons, WebAssembly
  'swagger-ui-dist',
  '@bull-board/ui',
  'argon2',
  '@electric-sql/pglite',
  '@electric-sql/pglite-socket',
  'msgpackr-extract',
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
