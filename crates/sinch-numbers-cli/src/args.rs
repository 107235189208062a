//! The command line: every subcommand and flag, with the environment
//! variables that stand in for flags (the same as the SDK's
//! `Client::from_env`).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

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

    /// How to authenticate.
    #[arg(long, env = "SINCH_AUTH", value_enum, global = true)]
    pub auth: Option<AuthArg>,

    /// The OAuth2 token endpoint (with --auth oauth2).
    #[arg(long, env = "SINCH_TOKEN_URL", global = true)]
    pub token_url: Option<String>,
}

/// Authentication schemes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum AuthArg {
    /// HTTP Basic with the key (the default).
    Basic,
    /// OAuth2 client credentials.
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
pub struct ImportArgs {
    /// The number to import (as people write it; see --default-region).
    #[arg(required_unless_present = "csv", conflicts_with = "csv")]
    pub number: Option<String>,
    /// A CSV file of numbers; columns by header: number, display name,
    /// service plan, campaign, callback URL (`-`: standard input).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// The region of numbers written without +country code.
    #[arg(long, default_value = "US", value_parser = parse_region)]
    pub default_region: sinch_imported_numbers::Region,
    #[command(flatten)]
    pub defaults: Defaults,
    /// How many imports run at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
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
    fn the_definitions_are_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
