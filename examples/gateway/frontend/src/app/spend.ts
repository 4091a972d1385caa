// The spend page's data: recent requests of one session, and blocking a key.
import { supabase, type SpendRow } from "../lib/supabase";

export type SessionCost = Pick<SpendRow, "request_id" | "spend">;

export async function sessionRequests(sessionId: string) {
  const { data, error } = await supabase
    .from("LiteLLM_SpendLogs")
    .select("request_id, session_id, spend, model_group, startTime")
    .eq("session_id", sessionId)
    .order("startTime", { ascending: false });
  if (error) throw error;
  return data.map((row) => ({ id: row.request_id, group: row.model_group, usd: row.spend }));
}

export function total(rows: SessionCost[]): number {
  return rows.reduce((sum, row) => sum + row.spend, 0);
}

export async function blockKey(tokenHash: string) {
  const { error } = await supabase
    .from("LiteLLM_VerificationToken")
    .update({ blocked: true })
    .eq("token", tokenHash);
  if (error) throw error;
}
