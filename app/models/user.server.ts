import { db } from "~/db.server";

const publicUser = { id: true, email: true, displayName: true, isSeller: true } as const;

export type PublicUser = { id: string; email: string; displayName: string; isSeller: boolean };

export async function findUserWithPasswordByEmail(email: string) {
  return db().user.findUnique({ where: { email }, select: { ...publicUser, passwordHash: true } });
}

export class EmailTakenError extends Error {}

export async function createUser(input: { email: string; displayName: string; passwordHash: string }): Promise<PublicUser> {
  try {
    return await db().user.create({ data: input, select: publicUser });
  } catch (error) {
    if (typeof error === "object" && error && "code" in error && error.code === "P2002") throw new EmailTakenError();
    throw error;
  }
}
