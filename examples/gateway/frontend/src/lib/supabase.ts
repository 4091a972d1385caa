// One supabase-js client, typed by nemoctl's generated `Database` (LiteLLM's tables).
import { createClient } from "@supabase/supabase-js";
import type { Database } from "@litellm/database";

export const supabase = createClient<Database>(
  process.env.NEXT_PUBLIC_SUPABASE_URL ?? "",
  process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY ?? "",
);

export type SpendRow = Database["public"]["Tables"]["LiteLLM_SpendLogs"]["Row"];
