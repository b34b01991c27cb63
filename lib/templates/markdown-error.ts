// The one error the Markdown importer throws: the document cannot become a template at all.
// Its message is written for the person who uploaded the file, not for a log.

export class MarkdownImportError extends Error {
  override readonly name = "MarkdownImportError";
}
