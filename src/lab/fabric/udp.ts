/** Promise helpers for loopback UDP sockets (bind only to 127.0.0.1, port chosen by the OS). */
import dgram from 'node:dgram';
import type { Endpoint } from '../../util/outcome.js';

export const LOOPBACK = '127.0.0.1';

/**
 * Socket buffer size of the lab's data-plane sockets: ~2000 small datagrams,
 * like a tap queue plus a virtio ring. The default (~200 datagrams) turns a
 * 20 ms scheduling stall of a lab process - common when the 2-core machine
 * is busy - into loss that has nothing to do with the migration being
 * measured. Linux caps it at net.core.rmem_max / wmem_max.
 */
export const DATA_SOCKET_BUFFER_BYTES = 2 * 1024 * 1024;

/** A udp4 socket bound to 127.0.0.1 on a port the OS picks. */
export function bindLoopback(onError: (err: Error) => void, bufferBytes?: number): Promise<dgram.Socket> {
  const options: dgram.SocketOptions =
    bufferBytes === undefined
      ? { type: 'udp4' }
      : { type: 'udp4', recvBufferSize: bufferBytes, sendBufferSize: bufferBytes };
  const socket = dgram.createSocket(options);
  socket.on('error', onError);
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, LOOPBACK, () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

/** A loopback socket connected to `peer`: sends skip the per-datagram address lookup. */
export async function connectedSocket(
  peer: Endpoint,
  onError: (err: Error) => void,
  bufferBytes?: number,
): Promise<dgram.Socket> {
  const socket = await bindLoopback(onError, bufferBytes);
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.connect(peer.port, peer.host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  return socket;
}

export function localEndpoint(socket: dgram.Socket): Endpoint {
  const a = socket.address();
  return { host: a.address, port: a.port };
}

/** Close a socket, ignoring one that is already closed. */
export function closeQuietly(socket: dgram.Socket | null): Promise<void> {
  if (socket === null) return Promise.resolve();
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve();
    }
  });
}
