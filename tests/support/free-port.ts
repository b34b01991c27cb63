// A TCP port on loopback that nothing listens on right now, for servers a test starts itself.
import net from "node:net";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A port beside the suite's app (TEST_PORT + offset), for the extra instances and proxies a test
 * starts: runs on one machine with different TEST_PORTs then keep out of each other's way.
 */
export function portBesideApp(offset: number): number {
  return Number(process.env.TEST_PORT ?? 3100) + offset;
}
