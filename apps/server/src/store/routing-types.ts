// Presence, teams, routing and transfers (0050-routing; docs/routing.md).
import type { PresenceChoice, RoutingMode, TransferStatus } from '@parley/protocol';

export interface AgentPresenceTable {
  agent_id: string;
  org_id: string;
  choice: PresenceChoice;
  max_chats: number;
  last_active_at: number;
  last_assigned_at: number;
  shown: string; // the status last announced on the bus
  updated_at: number;
}
export interface AgentLinksTable {
  node_id: string;
  agent_id: string;
  org_id: string;
  sockets: number;
  seen_at: number;
}
export interface TeamsTable {
  id: string;
  org_id: string;
  name: string;
  routing: RoutingMode;
  escalate_after_s: number;
  visitor_choice: number; // 1 | 0
  created_at: number;
}
export interface TeamMembersTable {
  team_id: string;
  agent_id: string;
  org_id: string;
}
export interface ConversationTransfersTable {
  id: string;
  org_id: string;
  conversation_id: string;
  from_agent_id: string;
  to_agent_id: string | null;
  to_team_id: string | null;
  note: string; // masked, then sealed under the conversation's data key (law 9)
  note_masked: string; // JSON array of finding types
  status: TransferStatus;
  created_at: number;
  expires_at: number;
  resolved_at: number | null;
  resolved_by: string | null;
}

export interface RoutingTables {
  agent_presence: AgentPresenceTable;
  agent_links: AgentLinksTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  conversation_transfers: ConversationTransfersTable;
}

/** One agent's presence facts; the status others see is derived from them (modules/routing). */
export interface PresenceRow {
  agentId: string;
  orgId: string;
  name: string;
  role: 'admin' | 'supervisor' | 'agent';
  choice: PresenceChoice;
  maxChats: number;
  lastActiveAt: number;
  lastAssignedAt: number;
  shown: string;
  /** A console socket is open on a node whose heartbeat is fresh. */
  connected: boolean;
  activeChats: number;
}

export interface TeamRow {
  id: string;
  orgId: string;
  name: string;
  routing: RoutingMode;
  escalateAfterSeconds: number;
  visitorChoice: boolean;
  memberIds: string[];
  createdAt: number;
}

export interface WaitingRow {
  id: string;
  orgId: string;
  teamId: string | null;
  queuedAt: number;
  escalation: number;
}

export interface TransferRow {
  id: string;
  orgId: string;
  conversationId: string;
  fromAgentId: string;
  fromAgentName: string | null;
  toAgentId: string | null;
  toAgentName: string | null;
  toTeamId: string | null;
  toTeamName: string | null;
  note: string;
  noteMasked: string[];
  status: TransferStatus;
  createdAt: number;
  expiresAt: number;
  resolvedAt: number | null;
  resolvedBy: string | null;
  resolvedByName: string | null;
}

export interface RoutingRepo {
  /** Presence of the organisation's active agents (or of these), with live links counted since `linkSince`. */
  presence(orgId: string, linkSince: number, agentIds?: string[]): Promise<PresenceRow[]>;
  /** Sets the agent's choice (and capacity); counts as activity. */
  setChoice(
    orgId: string,
    agentId: string,
    choice: PresenceChoice | undefined,
    maxChats: number | undefined,
    now: number,
  ): Promise<void>;
  touchActivity(orgId: string, agentId: string, now: number): Promise<void>;
  setCapacity(orgId: string, agentId: string, maxChats: number, now: number): Promise<void>;
  /** Agents announced online whose last activity is before `before` (they are away now). */
  idleOnline(before: number, limit: number): Promise<{ orgId: string; agentId: string }[]>;
  /** Records that the announced status is `status`; true for the one caller that changed it. */
  markShown(orgId: string, agentId: string, status: string): Promise<boolean>;
  /** This node's count of open sockets for an agent (0 removes the row). */
  setLink(
    nodeId: string,
    orgId: string,
    agentId: string,
    sockets: number,
    now: number,
  ): Promise<void>;
  /** Refreshes every link of this node. */
  heartbeat(nodeId: string, now: number): Promise<void>;
  /** Removes links of nodes that stopped beating; returns the agents (org, id) they named. */
  pruneLinks(before: number): Promise<{ orgId: string; agentId: string }[]>;
  /** Removes every link of this node (shutdown); returns the agents they named. */
  dropNode(nodeId: string): Promise<{ orgId: string; agentId: string }[]>;

  teams(orgId: string): Promise<TeamRow[]>;
  teamById(orgId: string, id: string): Promise<TeamRow | undefined>;
  /** undefined when the name is taken. */
  createTeam(input: {
    orgId: string;
    name: string;
    routing: RoutingMode;
    escalateAfterSeconds: number;
    visitorChoice: boolean;
    now: number;
  }): Promise<TeamRow | undefined>;
  updateTeam(
    orgId: string,
    id: string,
    patch: {
      name: string;
      routing: RoutingMode;
      escalateAfterSeconds: number;
      visitorChoice: boolean;
    },
  ): Promise<TeamRow | undefined | 'taken'>;
  deleteTeam(orgId: string, id: string): Promise<boolean>;
  /** Replaces the members; agents not of the organisation are refused ('unknown_agent'). */
  setMembers(
    orgId: string,
    id: string,
    agentIds: string[],
  ): Promise<TeamRow | undefined | 'unknown_agent'>;

  /** Waiting conversations of every organisation, oldest first (the sweep). */
  waiting(limit: number): Promise<WaitingRow[]>;
  /**
   * Assigns a waiting, unassigned conversation to the agent if the agent is under capacity.
   * Atomic across nodes: the agent's presence row is locked (PostgreSQL FOR UPDATE; SQLite
   * serialises writers) while its chats are counted, and the conversation changes only if it
   * is still waiting and unassigned, so two nodes never assign one chat twice.
   */
  tryAssign(
    orgId: string,
    conversationId: string,
    agentId: string,
    now: number,
  ): Promise<'assigned' | 'full' | 'gone'>;
  /** Raises a waiting conversation's escalation to `level`; true for the one caller that did. */
  escalate(orgId: string, conversationId: string, level: number): Promise<boolean>;

  /** 'pending' when the conversation already has a pending transfer. */
  createTransfer(input: {
    orgId: string;
    conversationId: string;
    fromAgentId: string;
    toAgentId: string | null;
    toTeamId: string | null;
    note: string;
    noteMasked: string[];
    now: number;
    expiresAt: number;
  }): Promise<TransferRow | 'pending'>;
  transferById(orgId: string, id: string): Promise<TransferRow | undefined>;
  transfers(orgId: string, conversationId: string): Promise<TransferRow[]>;
  /** The organisation's pending transfers, oldest first (a console's incoming offers after a reload). */
  pendingTransfers(orgId: string, limit: number): Promise<TransferRow[]>;
  /**
   * Accepts a pending transfer: in one transaction the transfer is marked accepted and the
   * conversation moves to the receiver, only while it is still active with the sender.
   * 'answered': no longer pending (or expired); 'moved': the conversation changed meanwhile.
   */
  acceptTransfer(
    orgId: string,
    id: string,
    receiverId: string,
    now: number,
  ): Promise<'ok' | 'answered' | 'moved'>;
  /** Declines or expires a pending transfer; false when it was no longer pending. */
  resolveTransfer(
    orgId: string,
    id: string,
    status: 'declined' | 'expired',
    by: string | null,
    now: number,
  ): Promise<boolean>;
  /** Pending transfers whose time is up (every organisation). */
  overdueTransfers(now: number, limit: number): Promise<{ orgId: string; id: string }[]>;
}
