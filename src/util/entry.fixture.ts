// Test fixture for entry.test.ts: answers its parent in a worker or a child process.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

const value: number = typeof workerData === 'number' ? workerData : 0;
if (!isMainThread) parentPort?.postMessage(value + 1);
else process.send?.('child');
