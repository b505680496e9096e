import net from 'node:net';
import { PortForward, type KubeConfig } from '@kubernetes/client-node';

export interface Forwarder {
  /** http://127.0.0.1:PORT, a local port that reaches the pod's container port. */
  url: string;
  close(): Promise<void>;
}

/**
 * A local TCP port that forwards each connection through the API server's pods/portforward to the
 * container port of the pod `pickPod` names at that moment (the first running pod of the run).
 * While no pod runs, connections are closed at once, which readiness counts as a failed probe.
 * Listens on 127.0.0.1 only, on a port the system picks.
 */
export async function startForwarder(kc: KubeConfig, namespace: string, containerPort: number, pickPod: () => string | undefined): Promise<Forwarder> {
  const pf = new PortForward(kc, true);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const pod = pickPod();
    if (pod === undefined) {
      socket.destroy();
      return;
    }
    pf.portForward(namespace, pod, [containerPort], socket, null, socket)
      .then((opened) => {
        const ws = typeof opened === 'function' ? opened() : opened;
        if (!ws) return socket.destroy();
        ws.on('close', () => socket.end());
        ws.on('error', () => socket.destroy());
        socket.on('close', () => ws.close());
      })
      .catch(() => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
