import type { VerificationLevel } from "~/generated/prisma/enums";
const LABELS = {
  CERTIFIED: "Certified",
  VERIFIED: "Verified",
  UNVERIFIED: "Unverified",
} as const;

export type { VerificationLevel };

export function VerificationBadge({ level }: { level: VerificationLevel }) {
  return (
    <span className={`badge badge-${level.toLowerCase()}`} title={`Verification level: ${LABELS[level]}`}>
      {LABELS[level]}
    </span>
  );
}
