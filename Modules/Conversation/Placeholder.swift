// Placeholder so the target builds before its first real source lands.
// Delete this file when the module has other sources.
enum ConversationModulePlaceholder {}
