-- Instructions rendered once, when a template version is saved, and copied into its releases' items.
-- Rows from before stay NULL here and are rendered the first time they are needed
-- (lib/server/rendered-instructions.ts): rendering Markdown takes the app's worker, not SQL.
-- AlterTable
ALTER TABLE "ReleaseItem" ADD COLUMN     "renderedInstructions" JSONB;

-- AlterTable
ALTER TABLE "TemplateVersion" ADD COLUMN     "renderedInstructions" JSONB;
