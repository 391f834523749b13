// The load clients' UDP receive buffers. One load process multiplexes dozens of werift peers on
// one event loop, where a browser has a process per site: on a shared 2-core machine it is
// descheduled for hundreds of ms at a time, and every peer socket's kernel-default buffer
// (net.core.rmem_default, 208 KiB ≈ 90 loopback datagrams) overflows meanwhile — loss that is
// the load client's, not the SFU's (bench:webrtc counts those drops apart: `drops wk/cl`).
// werift creates its sockets inside its ICE code, so every dgram socket of this process gets
// the bigger buffer once bound (SO_RCVBUF, capped by net.core.rmem_max; the kernel doubles it).
import dgram from 'node:dgram';

let patched = 0;

export function enlargeUdpReceiveBuffers(bytes: number): void {
  if (bytes <= 0 || patched) return;
  patched = bytes;
  const bind = dgram.Socket.prototype.bind;
  dgram.Socket.prototype.bind = function (this: dgram.Socket, ...args: unknown[]) {
    this.once('listening', () => {
      try {
        this.setRecvBufferSize(patched);
      } catch {
        // above rmem_max or closed already: keep the kernel's default
      }
    });
    return (bind as (...a: unknown[]) => dgram.Socket).apply(this, args);
  } as typeof bind;
}
