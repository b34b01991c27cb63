-- The overview orders projects by their newest release and lists each project's newest releases.
CREATE INDEX "Release_projectId_createdAt_idx" ON "Release"("projectId", "createdAt");
