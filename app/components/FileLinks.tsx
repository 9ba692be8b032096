import { formatFileSize } from "~/services/library/files";

/** A purchased product's files, each a link to its protected download. */
export function FileLinks({ orderId, files, label }: { orderId: string; files: Array<{ id: string; filename: string; sizeBytes: number }>; label?: string }) {
  return (
    <ul className="files" aria-label={label}>
      {files.map((file) => (
        <li key={file.id}>
          <a href={`/downloads/${orderId}/${file.id}`} download>
            {file.filename}
          </a>{" "}
          <span className="muted">({formatFileSize(file.sizeBytes)})</span>
        </li>
      ))}
    </ul>
  );
}
