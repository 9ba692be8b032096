import { useHydrated } from "remix-utils/use-hydrated";
import { formatDate, formatDateTime } from "~/components/format";

const local = {
  dateTime: new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }),
  date: new Intl.DateTimeFormat(undefined, { dateStyle: "medium" }),
};

/**
 * A moment as the shopper's clock reads it. The server renders UTC (it does
 * not know the shopper's zone, and the first render must match its HTML);
 * once the page runs, the browser shows its own local time.
 */
export function LocalTime({ value, dateOnly = false }: { value: string | Date; dateOnly?: boolean }) {
  const hydrated = useHydrated();
  const date = new Date(value);
  const text = hydrated
    ? (dateOnly ? local.date : local.dateTime).format(date)
    : dateOnly
      ? formatDate(date)
      : formatDateTime(date);
  return (
    <time dateTime={date.toISOString()} title={formatDateTime(date)}>
      {text}
    </time>
  );
}
