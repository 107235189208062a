//! The command line: every subcommand and flag, with the environment
//! variables that stand in for flags (the same as the SDK's
//! `Client::from_env`).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use sinch_imported_numbers::types::{
    GlobalProcessState, HostingOrderState, HostingOrderType, State,
};

/// Import, list, update and watch Sinch imported numbers.
///
/// Configuration comes from the same environment variables as the SDK
/// (SINCH_PROJECT_ID, SINCH_KEY_ID, SINCH_KEY_SECRET, SINCH_IMPORTED_NUMBERS_URL,
/// SINCH_AUTH, SINCH_TOKEN_URL); each but the secret can be overridden by a
/// flag. The key secret is read only from SINCH_KEY_SECRET or from a file
/// (--key-secret-file, `-` for standard input), never from a flag value that
/// would land in shell history.
#[derive(Debug, Parser)]
#[command(name = "sinch-numbers", version, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub connection: Connection,

    /// Log what the SDK does (requests, retries, token refreshes) to stderr.
    #[arg(long, short, global = true)]
    pub verbose: bool,

    #[command(subcommand)]
    pub command: Command,
}

/// Where and as whom to connect.
#[derive(Debug, Args)]
pub struct Connection {
    /// The Sinch project id.
    #[arg(long, env = "SINCH_PROJECT_ID", global = true)]
    pub project_id: Option<String>,

    /// The access key id.
    #[arg(long, env = "SINCH_KEY_ID", global = true)]
    pub key_id: Option<String>,

    /// A file holding the access key secret (`-`: standard input). Without
    /// it, SINCH_KEY_SECRET is used.
    #[arg(long, value_name = "PATH", global = true)]
    pub key_secret_file: Option<PathBuf>,

    /// The API's base URL (default: Sinch's).
    #[arg(long, env = "SINCH_IMPORTED_NUMBERS_URL", global = true)]
    pub base_url: Option<String>,

    /// How to authenticate (any case).
    #[arg(
        long,
        env = "SINCH_AUTH",
        value_enum,
        ignore_case = true,
        global = true
    )]
    pub auth: Option<AuthArg>,

    /// The OAuth2 token endpoint (default: Sinch's for Sinch's API, the base
    /// URL's `/oauth2/token` for another base URL).
    #[arg(long, env = "SINCH_TOKEN_URL", global = true)]
    pub token_url: Option<String>,

    /// The longest one request may take, in seconds (default 30); a call
    /// retries a timeout at most 3 times.
    #[arg(long, value_name = "SECONDS", global = true, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: Option<u64>,
}

/// Authentication schemes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum AuthArg {
    /// HTTP Basic with the key: for prototyping (Sinch rate-limits it heavily).
    Basic,
    /// OAuth2 client credentials (the default).
    Oauth2,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import one number, or every row of a CSV file.
    Import(ImportArgs),
    /// List numbers, streaming (any size, flat memory).
    List(ListArgs),
    /// Show one number.
    Get(GetArgs),
    /// Change a number's display name, callback URL or links.
    Update(UpdateArgs),
    /// Move a number to another service plan or campaign (unlink, then link).
    Relink(RelinkArgs),
    /// Delete one number, or every number in a CSV file.
    Delete(DeleteArgs),
    /// Wait until numbers' provisioning is ready or failed.
    Wait(WaitArgs),
    /// Submit numbers for qualification by invoice (then e-mail the
    /// invoices to Sinch).
    Qualify(QualifyArgs),
    /// Prove a qualified number's ownership by a voice call: without
    /// --code, Sinch calls the number and reads out a code; with --code,
    /// the code heard is checked. Exit status 4 when the code is wrong (the
    /// number's state is printed).
    VerifyVoice(VerifyVoiceArgs),
    /// Text-enable numbers under a letter of authorization (hosting orders,
    /// or qualified numbers with --qualified).
    TextEnable(Box<TextEnableArgs>),
    /// Hosting orders: list them, show one, its report or its numbers.
    #[command(subcommand)]
    Orders(OrdersCommand),
    /// Qualified numbers (ownership being proven): list, show or delete them.
    #[command(subcommand)]
    Qualified(QualifiedCommand),
    /// Show or replace the secret that signs this project's callbacks.
    #[command(subcommand)]
    CallbackSecret(SecretCommand),
    /// Check a saved callback body against its signature.
    VerifyCallback(VerifyArgs),
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// Output formats.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for people.
    #[default]
    Table,
    /// One CSV row per number, with a header.
    Csv,
    /// One JSON document (an array for lists).
    Json,
    /// One JSON object per line.
    Jsonl,
}

/// Link settings shared by import rows and their defaults.
#[derive(Debug, Args, Clone, Default)]
pub struct Defaults {
    /// The display name (default for rows without one).
    #[arg(long)]
    pub display_name: Option<String>,
    /// The SMS service plan to link (default for rows without one).
    #[arg(long)]
    pub service_plan_id: Option<String>,
    /// The 10DLC campaign to link (default for rows without one).
    #[arg(long)]
    pub campaign_id: Option<String>,
    /// Where Sinch sends the number's callbacks (default for rows without one).
    #[arg(long)]
    pub callback_url: Option<String>,
}

/// `import`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("input").required(true).args(["number", "csv"]))]
pub struct ImportArgs {
    /// The number to import (as people write it; see --default-region).
    /// Give either NUMBER or --csv FILE.
    pub number: Option<String>,
    /// A CSV file of numbers; columns by header: number, display name,
    /// service plan, campaign, callback URL (`-`: standard input). UTF-8
    /// (with or without a byte order mark) or UTF-16 with one; comma,
    /// semicolon or tab separated (detected from the header line).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// What separates the cells of the CSV: comma, semicolon, tab or any
    /// one character (default: detected from the header line).
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter, requires = "csv")]
    pub delimiter: Option<u8>,
    /// The encoding of a CSV without a byte order mark, e.g. windows-1252
    /// for files saved by older Windows programs (default: UTF-8, and bytes
    /// that are not UTF-8 make their row invalid).
    #[arg(long, value_name = "NAME", value_parser = parse_encoding, requires = "csv")]
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// The region of numbers written without +country code.
    #[arg(long, default_value = "US", value_parser = parse_region)]
    pub default_region: sinch_imported_numbers::Region,
    #[command(flatten)]
    pub defaults: Defaults,
    /// How many imports run at once.
    // Negative values are let through to the parsers, which say what is
    // wrong with them (clap would call `-3` an unknown flag).
    #[arg(long, default_value_t = 8, allow_negative_numbers = true, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// Never start more than this many imports a second. Without it the
    /// import still adapts: a 429 pauses every row for its Retry-After and
    /// the run then holds just below the rate the service allows.
    #[arg(long, value_name = "PER_SECOND", allow_negative_numbers = true, value_parser = parse_rate)]
    pub max_rate: Option<f64>,
    /// Check every row and report the bad ones; send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Write one CSV row per input with its outcome and error.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Wait for each imported number's provisioning and report it.
    #[arg(long)]
    pub wait: bool,
    /// How long --wait waits for each number.
    #[arg(long, default_value = "10m", value_parser = parse_duration)]
    pub wait_deadline: Duration,
    /// Never draw a progress bar (it is drawn only when stderr is a terminal).
    #[arg(long)]
    pub no_progress: bool,
}

/// `list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// The hosting order's service plan (required by the API).
    #[arg(long)]
    pub service_plan_id: String,
    /// The hosting order's campaign (required by the API).
    #[arg(long)]
    pub campaign_id: String,
    /// Only numbers of this region.
    #[arg(long, value_parser = parse_region)]
    pub region: Option<sinch_imported_numbers::Region>,
    /// Only numbers starting with these digits (with + and country code).
    #[arg(long, group = "pattern")]
    pub starts_with: Option<String>,
    /// Only numbers containing these digits.
    #[arg(long, group = "pattern")]
    pub contains: Option<String>,
    /// Only numbers ending with these digits.
    #[arg(long, group = "pattern")]
    pub ends_with: Option<String>,
    /// The order.
    #[arg(long, value_enum)]
    pub order_by: Option<OrderArg>,
    /// Numbers per request.
    #[arg(long, default_value_t = 100)]
    pub page_size: u32,
    /// The output format.
    #[arg(long, short, value_enum, default_value_t)]
    pub output: Format,
}

/// Orders of a listing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OrderArg {
    /// By creation time.
    Created,
    /// By last update.
    Updated,
}

/// `get`.
#[derive(Debug, Args)]
pub struct GetArgs {
    /// The number.
    pub number: String,
    /// The region of a number written without +country code.
    #[arg(long, default_value = "US", value_parser = parse_region)]
    pub default_region: sinch_imported_numbers::Region,
    /// The output format.
    #[arg(long, short, value_enum, default_value_t)]
    pub output: Format,
}

/// `update`.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The number.
    pub number: String,
    /// The region of a number written without +country code.
    #[arg(long, default_value = "US", value_parser = parse_region)]
    pub default_region: sinch_imported_numbers::Region,
    /// The new display name ("" clears it).
    #[arg(long)]
    pub display_name: Option<String>,
    /// The new callback URL.
    #[arg(long)]
    pub callback_url: Option<String>,
    /// Link to this service plan (the number must not be linked to another).
    #[arg(long, conflicts_with = "unlink_service_plan")]
    pub service_plan_id: Option<String>,
    /// Unlink from the service plan.
    #[arg(long)]
    pub unlink_service_plan: bool,
    /// Link to this campaign (the number must not be linked to another).
    #[arg(long, conflicts_with = "unlink_campaign")]
    pub campaign_id: Option<String>,
    /// Unlink from the campaign.
    #[arg(long)]
    pub unlink_campaign: bool,
    /// The output format.
    #[arg(long, short, value_enum, default_value_t)]
    pub output: Format,
}

/// `relink`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("target").required(true).multiple(true))]
pub struct RelinkArgs {
    /// The number.
    pub number: String,
    /// The region of a number written without +country code.
    #[arg(long, default_value = "US", value_parser = parse_region)]
    pub default_region: sinch_imported_numbers::Region,
    /// The service plan to move to.
    #[arg(long, group = "target")]
    pub service_plan_id: Option<String>,
    /// The campaign to move to.
    #[arg(long, group = "target")]
    pub campaign_id: Option<String>,
    /// The output format.
    #[arg(long, short, value_enum, default_value_t)]
    pub output: Format,
}

/// `delete`.
#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The number to delete.
    #[arg(required_unless_present = "csv", conflicts_with = "csv")]
    pub number: Option<String>,
    /// A CSV file whose number column lists the numbers to delete.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// The region of numbers written without +country code.
    #[arg(long, default_value = "US", value_parser = parse_region)]
    pub default_region: sinch_imported_numbers::Region,
    /// Delete without asking.
    #[arg(long, short)]
    pub yes: bool,
    /// The output format of the summary.
    #[arg(long, short, value_enum, default_value_t)]
    pub output: Format,
}

/// `wait`.
#[derive(Debug, Args)]
pub struct WaitArgs {
    /// The numbers.
    #[arg(required = true)]
    pub numbers: Vec<String>,
    /// The region of numbers written without +country code.
    #[arg(long, default_value = "US", value_parser = parse_region)]
    pub default_region: sinch_imported_numbers::Region,
    /// How long to wait for each number.
    #[arg(long, default_value = "10m", value_parser = parse_duration)]
    pub deadline: Duration,
    /// The first pause between reads (it doubles up to 30 s).
    #[arg(long, default_value = "2s", value_parser = parse_duration)]
    pub poll_interval: Duration,
    /// The output format.
    #[arg(long, short, value_enum, default_value_t)]
    pub output: Format,
}

/// The numbers of a bulk command: given on the command line or in a CSV
/// file.
#[derive(Debug, Args)]
pub struct NumbersInput {
    /// The numbers, as people write them (see --default-region). Give
    /// numbers or --csv FILE.
    #[arg(
        value_name = "NUMBER",
        required_unless_present = "csv",
        conflicts_with = "csv"
    )]
    pub numbers: Vec<String>,
    /// A CSV file of numbers (`-`: standard input), read as `import --csv`
    /// reads files; only the number column is read, and the file may have
    /// no header line (then the first column holding a phone number is).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// What separates the cells of the CSV: comma, semicolon, tab or any
    /// one character (default: detected from the first line).
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter, requires = "csv")]
    pub delimiter: Option<u8>,
    /// The encoding of a CSV without a byte order mark, e.g. windows-1252
    /// (default: UTF-8).
    #[arg(long, value_name = "NAME", value_parser = parse_encoding, requires = "csv")]
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// The region of numbers written without +country code.
    #[arg(long, default_value = "US", value_parser = parse_region)]
    pub default_region: sinch_imported_numbers::Region,
}

/// What the bulk commands share: a dry run, a report, progress, the
/// output format.
#[derive(Debug, Args)]
pub struct BulkOptions {
    /// Check every number and setting and show what would be sent; send
    /// nothing (no credentials needed).
    #[arg(long)]
    pub dry_run: bool,
    /// Write one CSV row per input number with its outcome and error.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Never draw a progress bar (it is drawn only when stderr is a terminal).
    #[arg(long)]
    pub no_progress: bool,
    /// The output format of the per-number outcomes.
    #[arg(long, short, value_enum, default_value_t)]
    pub output: Format,
}

/// `qualify`.
#[derive(Debug, Args)]
pub struct QualifyArgs {
    #[command(flatten)]
    pub input: NumbersInput,
    #[command(flatten)]
    pub bulk: BulkOptions,
}

/// `verify-voice`.
#[derive(Debug, Args)]
pub struct VerifyVoiceArgs {
    /// The qualified number.
    pub number: String,
    /// The code the call read out; without it, the call is placed.
    #[arg(long, value_parser = parse_code)]
    pub code: Option<String>,
    /// The region of a number written without +country code.
    #[arg(long, default_value = "US", value_parser = parse_region)]
    pub default_region: sinch_imported_numbers::Region,
    /// Check the number (and code) and say what would be sent; send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The output format of the number's state.
    #[arg(long, short, value_enum, default_value_t)]
    pub output: Format,
}

/// `orders import`.
#[derive(Debug, Args)]
pub struct OrdersImportArgs {
    #[command(flatten)]
    pub input: NumbersInput,
    /// The service plan the numbers are provisioned to.
    #[arg(long)]
    pub service_plan_id: String,
    /// The 10DLC campaign to link the numbers to.
    #[arg(long)]
    pub campaign_id: Option<String>,
    #[command(flatten)]
    pub bulk: BulkOptions,
}

/// `orders wait`.
#[derive(Debug, Args)]
pub struct OrdersWaitArgs {
    /// The hosting order's id.
    pub id: String,
    /// How long to wait in all, in minutes (orders take hours to days); 0
    /// reads the order once and ends at once if it is still going.
    #[arg(long, value_name = "N", default_value_t = 1440, value_parser = clap::value_parser!(u64).range(0..=10080))]
    pub timeout_minutes: u64,
    /// The first pause between reads (it doubles up to 5 minutes).
    #[arg(long, default_value = "5s", value_parser = parse_duration)]
    pub poll_interval: Duration,
    /// Keep waiting while the order waits for its letter's signature
    /// (without it, the wait ends there with exit status 5).
    #[arg(long)]
    pub through_signature: bool,
    /// Never draw the spinner (it is drawn only when stderr is a terminal).
    #[arg(long)]
    pub no_progress: bool,
    /// The output format: table (lines); csv (hosting_order_id, state,
    /// outcome, phone_number, failure: a row per failed number, or one row
    /// with the last two empty when none failed); json or jsonl (one object:
    /// hostingOrderId, state, outcome, failedNumbers, and report, the
    /// report's counters as the API sends them).
    #[arg(long, short, value_enum, default_value_t)]
    pub output: Format,
}

/// `text-enable`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("letter").required(true).args(["loa", "blanket_loa", "loa_type"]))]
pub struct TextEnableArgs {
    #[command(flatten)]
    pub input: NumbersInput,
    /// The service plan the numbers are provisioned to.
    #[arg(long)]
    pub service_plan_id: String,
    /// The 10DLC campaign to link the numbers to (not for toll-free numbers).
    #[arg(long, conflicts_with = "toll_free")]
    pub campaign_id: Option<String>,
    /// The numbers are qualified numbers (ownership proven with `qualify`
    /// or `verify-voice`): uses the qualified-number calls, 500 numbers
    /// per order.
    #[arg(long)]
    pub qualified: bool,
    /// The numbers are toll-free (a direct or reseller letter; no campaign).
    #[arg(long)]
    pub toll_free: bool,
    /// A TOML (.toml) or JSON (.json) file with the letter of
    /// authorization: type (direct, reseller or blanket), business_name,
    /// signer_first_name, signer_last_name, signer_email, building_number,
    /// street, city, state, postal_code, country, current_voice_carrier,
    /// nnid; any other key is an error.
    #[arg(long, value_name = "FILE")]
    pub loa: Option<PathBuf>,
    /// Use the blanket letter of authorization your account manager has on
    /// file (nothing to sign per order; not for toll-free numbers).
    #[arg(long, conflicts_with = "toll_free")]
    pub blanket_loa: bool,
    #[command(flatten)]
    pub letter: LoaFlags,
    /// Route with this NNID (Net Number ID, digits) instead of Sinch's.
    #[arg(long, conflicts_with = "toll_free")]
    pub nnid: Option<String>,
    #[command(flatten)]
    pub bulk: BulkOptions,
}

/// The kinds of letter given by flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LoaKind {
    /// Signed by the numbers' owner.
    Direct,
    /// Signed by a reseller for its customer's business (--business-name).
    Reseller,
}

/// A letter of authorization given by flags (instead of --loa FILE).
#[derive(Debug, Args, Default)]
#[command(next_help_heading = "Letter of authorization by flags")]
pub struct LoaFlags {
    /// Who signs the letter: the numbers' owner or a reseller.
    #[arg(long, value_enum, conflicts_with_all = ["loa", "blanket_loa"])]
    pub loa_type: Option<LoaKind>,
    /// The customer's business name (reseller letters).
    #[arg(long, requires = "loa_type")]
    pub business_name: Option<String>,
    /// The signer's given name.
    #[arg(long, requires = "loa_type")]
    pub signer_first_name: Option<String>,
    /// The signer's family name.
    #[arg(long, requires = "loa_type")]
    pub signer_last_name: Option<String>,
    /// Where the letter is e-mailed for signature.
    #[arg(long, requires = "loa_type")]
    pub signer_email: Option<String>,
    /// The business address's building number.
    #[arg(long, requires = "loa_type")]
    pub building_number: Option<String>,
    /// The business address's street.
    #[arg(long, requires = "loa_type")]
    pub street: Option<String>,
    /// The business address's city.
    #[arg(long, requires = "loa_type")]
    pub city: Option<String>,
    /// The business address's state or province (NY, ON).
    #[arg(long, requires = "loa_type")]
    pub state: Option<String>,
    /// The business address's postal code.
    #[arg(long, requires = "loa_type")]
    pub postal_code: Option<String>,
    /// The business address's country (US, CA).
    #[arg(long, requires = "loa_type")]
    pub country: Option<String>,
    /// The carrier serving the numbers' voice traffic today.
    #[arg(long, requires = "loa_type")]
    pub current_voice_carrier: Option<String>,
}

/// `callback-secret`.
#[derive(Debug, Subcommand)]
pub enum SecretCommand {
    /// Print the current secret.
    Get,
    /// Replace the secret with one read from a file or standard input (`-`).
    Set {
        /// Where to read the new secret (`-`: standard input).
        #[arg(long, value_name = "PATH", default_value = "-")]
        from_file: PathBuf,
    },
}

/// `verify-callback`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The raw body as received (`-`: standard input).
    #[arg(long, value_name = "FILE")]
    pub body: PathBuf,
    /// The X-Sinch-Signature header value.
    #[arg(long)]
    pub signature: String,
    /// A file holding the callback secret; without it, the project's secret
    /// is fetched with the configured credentials.
    #[arg(long, value_name = "PATH")]
    pub secret_file: Option<PathBuf>,
    /// The output format of the decoded event.
    #[arg(long, short, value_enum, default_value_t)]
    pub output: Format,
}

/// `orders`.
#[derive(Debug, Subcommand)]
pub enum OrdersCommand {
    /// List hosting orders, streaming (any size, flat memory).
    List(OrdersListArgs),
    /// Show one hosting order.
    Get(OrderArgs),
    /// Show how many of an order's numbers have passed each step.
    Report(OrderArgs),
    /// List an order's numbers with each one's progress, streaming; or,
    /// given a NUMBER too, show that number only.
    Numbers(OrderNumbersArgs),
    /// Import numbers through hosting orders (5 numbers per order).
    Import(OrdersImportArgs),
    /// Wait until an order is over or needs a person, then show how it
    /// ended. Exit status: 0 completed with every number done, 3 completed
    /// with failed numbers, 4 rejected, 5 waiting for the letter's
    /// signature, 6 still going at the deadline.
    Wait(OrdersWaitArgs),
}

/// `orders list`.
#[derive(Debug, Args)]
pub struct OrdersListArgs {
    /// The orders' state (required by the API; any case, short or wire
    /// form): draft, submitted, waiting-for-loa-signature, in-progress,
    /// completed, rejected.
    #[arg(long, value_parser = parse_order_state)]
    pub state: HostingOrderState,
    /// The orders' type (required by the API; any case): import,
    /// text-enable.
    #[arg(long = "type", value_name = "TYPE", value_parser = parse_order_type)]
    pub order_type: HostingOrderType,
    /// The orders' service plan (required by the API).
    #[arg(long)]
    pub service_plan_id: String,
    /// The orders' campaign (required by the API).
    #[arg(long)]
    pub campaign_id: String,
    /// Only orders of this region.
    #[arg(long, value_parser = parse_region)]
    pub region: Option<sinch_imported_numbers::Region>,
    /// The order of the results.
    #[arg(long, value_enum)]
    pub order_by: Option<OrderArg>,
    /// Orders per request.
    #[arg(long, default_value_t = 100)]
    pub page_size: u32,
    /// The output format.
    #[arg(long, short, value_enum, default_value_t)]
    pub output: Format,
}

/// `orders get` and `orders report`.
#[derive(Debug, Args)]
pub struct OrderArgs {
    /// The hosting order's id.
    pub id: String,
    /// The output format.
    #[arg(long, short, value_enum, default_value_t)]
    pub output: Format,
}

/// `orders numbers`.
#[derive(Debug, Args)]
pub struct OrderNumbersArgs {
    /// The hosting order's id.
    pub id: String,
    /// Show only this number of the order (no listing).
    #[arg(conflicts_with_all = ["osr_update", "platform", "campaign", "order_by"])]
    pub number: Option<String>,
    /// The region of a number written without +country code.
    #[arg(long, default_value = "US", value_parser = parse_region)]
    pub default_region: sinch_imported_numbers::Region,
    /// Only numbers whose OSR update is in this state: waiting,
    /// in-progress, done, failed.
    #[arg(long, value_name = "STATE", value_parser = parse_step_state)]
    pub osr_update: Option<State>,
    /// Only numbers whose SMS platform provisioning is in this state.
    #[arg(long, value_name = "STATE", value_parser = parse_step_state)]
    pub platform: Option<State>,
    /// Only numbers whose campaign link is in this state.
    #[arg(long, value_name = "STATE", value_parser = parse_step_state)]
    pub campaign: Option<State>,
    /// The order of the results.
    #[arg(long, value_enum)]
    pub order_by: Option<OrderArg>,
    /// Numbers per request.
    #[arg(long, default_value_t = 100)]
    pub page_size: u32,
    /// The output format.
    #[arg(long, short, value_enum, default_value_t)]
    pub output: Format,
}

/// `qualified`.
#[derive(Debug, Subcommand)]
pub enum QualifiedCommand {
    /// List qualified numbers in one state, streaming (any size, flat memory).
    List(QualifiedListArgs),
    /// Show one qualified number.
    Get(GetArgs),
    /// Remove qualified numbers from the project.
    Delete(QualifiedDeleteArgs),
}

/// `qualified list`.
#[derive(Debug, Args)]
pub struct QualifiedListArgs {
    /// The numbers' state (required by the API; any case, with or without
    /// GLOBAL_PROCESS_STATE_, `-` or `_`): eligible-check-pending, eligible,
    /// not-eligible, verification-pending, verification-failed,
    /// verification-blocked, verified, hosting-in-progress, hosting-done,
    /// hosting-failed.
    #[arg(long, value_parser = parse_global_state)]
    pub state: GlobalProcessState,
    /// Only numbers of this region.
    #[arg(long, value_parser = parse_region)]
    pub region: Option<sinch_imported_numbers::Region>,
    /// The order of the results.
    #[arg(long, value_enum)]
    pub order_by: Option<OrderArg>,
    /// Numbers per request.
    #[arg(long, default_value_t = 100)]
    pub page_size: u32,
    /// The output format.
    #[arg(long, short, value_enum, default_value_t)]
    pub output: Format,
}

/// `qualified delete`.
#[derive(Debug, Args)]
pub struct QualifiedDeleteArgs {
    /// The numbers to delete.
    #[arg(required = true)]
    pub numbers: Vec<String>,
    /// The region of numbers written without +country code.
    #[arg(long, default_value = "US", value_parser = parse_region)]
    pub default_region: sinch_imported_numbers::Region,
    /// Delete without asking.
    #[arg(long, short)]
    pub yes: bool,
    /// The output format of the outcomes.
    #[arg(long, short, value_enum, default_value_t)]
    pub output: Format,
}

/// Reads a documented value of an open enum as people write it: any case,
/// `-` or `_` between words, with or without the wire `prefix`. Unknown
/// text, and the `*_UNSPECIFIED` value, are refused with the accepted values
/// listed, so nothing the server does not document is sent.
fn choice<T: Clone>(
    text: &str,
    known: &[T],
    wire: fn(&T) -> &str,
    prefix: &str,
    what: &str,
) -> Result<T, String> {
    let wanted = text.trim().to_ascii_uppercase().replace('-', "_");
    let accepted = || known.iter().filter(|v| !wire(v).ends_with("UNSPECIFIED"));
    if let Some(found) = accepted().find(|v| {
        let w = wire(v);
        w == wanted || w.strip_prefix(prefix) == Some(wanted.as_str())
    }) {
        return Ok(found.clone());
    }
    let names: Vec<String> = accepted()
        .map(|v| {
            let w = wire(v);
            w.strip_prefix(prefix)
                .unwrap_or(w)
                .to_ascii_lowercase()
                .replace('_', "-")
        })
        .collect();
    Err(format!(
        "unknown {what} {text:?}; accepted values: {}",
        names.join(", ")
    ))
}

/// A hosting-order state (`completed`, `WAITING_FOR_LOA_SIGNATURE`, ...).
pub fn parse_order_state(text: &str) -> Result<HostingOrderState, String> {
    choice(
        text,
        HostingOrderState::KNOWN,
        HostingOrderState::as_str,
        "",
        "hosting order state",
    )
}

/// A hosting-order type (`import`, `text-enable`, `TYPE_TEXT_ENABLE`).
pub fn parse_order_type(text: &str) -> Result<HostingOrderType, String> {
    choice(
        text,
        HostingOrderType::KNOWN,
        HostingOrderType::as_str,
        "TYPE_",
        "hosting order type",
    )
}

/// A qualified number's state (`verified`, `GLOBAL_PROCESS_STATE_VERIFIED`, ...).
pub fn parse_global_state(text: &str) -> Result<GlobalProcessState, String> {
    choice(
        text,
        GlobalProcessState::KNOWN,
        GlobalProcessState::as_str,
        "GLOBAL_PROCESS_STATE_",
        "qualified number state",
    )
}

/// A step's state (`done`, `failed`, `in-progress`, `waiting`).
pub fn parse_step_state(text: &str) -> Result<State, String> {
    choice(text, State::KNOWN, State::as_str, "", "step state")
}

/// A CSV delimiter: `comma`, `semicolon`, `tab`, or one ASCII character.
pub fn parse_delimiter(text: &str) -> Result<u8, String> {
    match text.to_ascii_lowercase().as_str() {
        "comma" | "," => Ok(b','),
        "semicolon" | ";" => Ok(b';'),
        "tab" | "\t" | "\\t" => Ok(b'\t'),
        _ => match text.as_bytes() {
            [byte] if byte.is_ascii() && !matches!(byte, b'"' | b'\n' | b'\r') => Ok(*byte),
            _ => Err(format!(
                "{text:?} is not a delimiter: give comma, semicolon, tab or one character"
            )),
        },
    }
}

/// An encoding by any of its usual labels (`windows-1252`, `cp1252`, `latin1`, ...).
pub fn parse_encoding(text: &str) -> Result<&'static encoding_rs::Encoding, String> {
    encoding_rs::Encoding::for_label(text.trim().as_bytes()).ok_or_else(|| {
        format!("{text:?} is not an encoding this program knows (e.g. windows-1252)")
    })
}

fn parse_region(text: &str) -> Result<sinch_imported_numbers::Region, String> {
    text.parse()
        .map_err(|e: sinch_imported_numbers::RegionError| e.to_string())
}

/// `500ms`, `30s`, `10m`, `1h`, or plain seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration like 500ms, 30s, 10m or 1h"))?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "" | "s" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        _ => return Err(format!("{text:?}: unknown unit {unit:?} (ms, s, m, h)")),
    };
    if !seconds.is_finite() || seconds > 7.0 * 24.0 * 3600.0 {
        return Err(format!("{text:?} is longer than a week"));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// A voice challenge's code as heard, checked by the SDK's rule before
/// anything else happens (also in a dry run).
fn parse_code(text: &str) -> Result<String, String> {
    match sinch_imported_numbers::qualified_numbers::check_voice_code(text) {
        Ok(()) => Ok(text.to_owned()),
        Err(e) => Err(format!("{e}: give the code the call read out, e.g. 123456")),
    }
}

/// A rate: a positive, finite number of calls a second.
fn parse_rate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(rate) if rate.is_finite() && rate > 0.0 => Ok(rate),
        _ => Err(format!(
            "{text:?} is not a positive number of imports a second"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration("2"), Ok(Duration::from_secs(2)));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("3d").is_err());
        assert!(parse_duration("9999h").is_err());
    }

    #[test]
    fn enum_values_are_read_as_people_write_them() {
        for text in ["completed", "COMPLETED", "Completed", " completed "] {
            assert_eq!(parse_order_state(text), Ok(HostingOrderState::Completed));
        }
        for text in ["waiting-for-loa-signature", "WAITING_FOR_LOA_SIGNATURE"] {
            assert_eq!(
                parse_order_state(text),
                Ok(HostingOrderState::WaitingForLoaSignature)
            );
        }
        for text in ["text-enable", "TYPE_TEXT_ENABLE", "type-text-enable"] {
            assert_eq!(parse_order_type(text), Ok(HostingOrderType::TextEnable));
        }
        assert_eq!(parse_order_type("Import"), Ok(HostingOrderType::Import));
        for text in [
            "verification-pending",
            "GLOBAL_PROCESS_STATE_VERIFICATION_PENDING",
            "global-process-state-verification-pending",
            "Verification_Pending",
        ] {
            assert_eq!(
                parse_global_state(text),
                Ok(GlobalProcessState::VerificationPending)
            );
        }
        assert_eq!(parse_step_state("in-progress"), Ok(State::InProgress));
    }

    #[test]
    fn unknown_and_unspecified_values_are_refused_with_the_accepted_ones() {
        let refused = parse_order_state("finished").unwrap_err();
        assert!(refused.contains(r#""finished""#), "{refused}");
        assert!(
            refused.ends_with(
                "draft, submitted, waiting-for-loa-signature, in-progress, completed, rejected"
            ),
            "{refused}"
        );
        assert!(parse_order_state("hosting-order-state-unspecified").is_err());
        assert!(parse_order_type("").is_err());
        assert!(parse_order_type("type").is_err());
        assert!(parse_step_state("STATE_UNSPECIFIED").is_err());
        let refused = parse_global_state("unspecified").unwrap_err();
        assert!(
            refused.contains("eligible-check-pending, eligible,"),
            "{refused}"
        );
    }

    #[test]
    fn the_definitions_are_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
