// Stand-in for the `pick-port` npm package (a devDependency of mediasoup that GiaoBan does not
// install), used by mediasoup's own tests as `await pickPort({ type, ip, reserveTimeout })`.
// Asks the OS for a free port by binding port 0, then releases it for the test to use.
'use strict';

const dgram = require('node:dgram');
const net = require('node:net');

module.exports = function pickPort({ type = 'udp', ip = '0.0.0.0' } = {}) {
  return new Promise((resolve, reject) => {
    if (type === 'tcp') {
      const server = net.createServer();
      server.once('error', reject);
      server.listen({ host: ip, port: 0, exclusive: true }, () => {
        const { port } = server.address();
        server.close(() => resolve(port));
      });
    } else {
      const socket = dgram.createSocket(ip.includes(':') ? 'udp6' : 'udp4');
      socket.once('error', reject);
      socket.bind({ address: ip, port: 0, exclusive: true }, () => {
        const { port } = socket.address();
        socket.close(() => resolve(port));
      });
    }
  });
};
