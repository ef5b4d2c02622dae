// Raw argon2id hash rate with the service's parameters, on the core this process is pinned to.
import argon2 from 'argon2';

const [memoryCost, timeCost, parallelism, seconds] = process.argv.slice(2).map(Number);
const deadline = Date.now() + seconds * 1000;
let done = 0;
const worker = async () => {
  while (Date.now() < deadline) {
    await argon2.hash('benchmark password', { type: argon2.argon2id, memoryCost, timeCost, parallelism });
    done++;
  }
};
const start = Date.now();
await Promise.all(Array.from({ length: 4 }, worker));
console.log(JSON.stringify({ hashesPerSecond: done / ((Date.now() - start) / 1000) }));
