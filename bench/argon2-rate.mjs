// Raw argon2id hash rate with the service's parameters, `concurrency` hashes at a time (libuv's pool), on the
// cores this process is pinned to.
import argon2 from 'argon2';

const [memoryCost, timeCost, parallelism, seconds, concurrency = 1] = process.argv.slice(2).map(Number);
const deadline = Date.now() + seconds * 1000;
let done = 0;
const worker = async () => {
  while (Date.now() < deadline) {
    await argon2.hash('benchmark password', { type: argon2.argon2id, memoryCost, timeCost, parallelism });
    done++;
  }
};
const start = Date.now();
await Promise.all(Array.from({ length: concurrency }, worker));
console.log(JSON.stringify({ hashesPerSecond: done / ((Date.now() - start) / 1000) }));
