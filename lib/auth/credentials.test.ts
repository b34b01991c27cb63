import { beforeEach, describe, expect, it, vi } from "vitest";

const findUnique = vi.fn();
vi.mock("@/lib/db/client", () => ({ db: () => ({ user: { findUnique } }) }));
const verify = vi.hoisted(() => vi.fn());
vi.mock("./password", async (importOriginal) => {
  const actual = await importOriginal<typeof import("./password")>();
  verify.mockImplementation(actual.verifyPassword);
  return { ...actual, verifyPassword: verify };
});

const { checkCredentials, dummyPasswordHash } = await import("./credentials");
const { hashPassword } = await import("./password");

describe("checkCredentials", () => {
  beforeEach(() => {
    findUnique.mockReset();
    verify.mockClear();
  });

  it("an unknown email costs one argon2id verification against the dummy hash, and is refused", async () => {
    findUnique.mockResolvedValue(null);
    expect(await checkCredentials({ email: "nobody@test.example", password: "guess" })).toBeNull();
    expect(verify).toHaveBeenCalledTimes(1);
    expect(verify.mock.calls[0]![0]).toBe(await dummyPasswordHash());
    expect(await dummyPasswordHash()).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it("a disabled account is verified the same way, and refused even with its right password", async () => {
    const passwordHash = await hashPassword("right");
    findUnique.mockResolvedValue({ id: "u1", email: "a@test.example", name: null, passwordHash, disabledAt: new Date() });
    expect(await checkCredentials({ email: "a@test.example", password: "right" })).toBeNull();
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it("a known account is verified against its own hash", async () => {
    const passwordHash = await hashPassword("right");
    findUnique.mockResolvedValue({ id: "u1", email: "a@test.example", name: "A", passwordHash, disabledAt: null, sessionVersion: 2 });
    expect(await checkCredentials({ email: "A@test.example ", password: "wrong" })).toBeNull();
    expect(await checkCredentials({ email: "a@test.example", password: "right" })).toEqual({ id: "u1", email: "a@test.example", name: "A", sessionVersion: 2 });
    expect(verify.mock.calls.map((c) => c[0])).toEqual([passwordHash, passwordHash]);
  });
});
