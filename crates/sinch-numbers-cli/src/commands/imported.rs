//! The imported-number commands but `import`: listing, single-number
//! operations, deletes, waits, the callback secret and callback checks.

use std::io::{Read, Write};
use std::path::Path;

use futures::{stream, StreamExt};
use sinch_imported_numbers::callbacks::{self, CallbackSecret};
use sinch_imported_numbers::{
    Client, ListFilter, NumberPattern, OrderBy, PhoneNumber, Provisioned,
};

use crate::args::{
    DeleteArgs, Format, GetArgs, ListArgs, OrderArg, RelinkArgs, SecretCommand, UpdateArgs,
    VerifyArgs, WaitArgs,
};
use crate::config;
use crate::failure::{self, Failure};
use crate::output::{provisioning_text, visible, NumberWriter};
use crate::rows::Rows;

use super::{
    confirm, delete_all, distinct, io, number, sdk_failure, stream_listing, write_one, Target,
    NO_PROJECT,
};

/// `list`: streams every matching number.
pub async fn list(client: &Client, args: ListArgs, out: &mut dyn Write) -> Result<u8, Failure> {
    let mut filter = ListFilter::new(&args.service_plan_id, &args.campaign_id);
    if let Some(region) = args.region {
        filter = filter.region(region);
    }
    let pattern = match (&args.starts_with, &args.contains, &args.ends_with) {
        (Some(p), _, _) => Some(NumberPattern::starts_with(p)),
        (_, Some(p), _) => Some(NumberPattern::contains(p)),
        (_, _, Some(p)) => Some(NumberPattern::ends_with(p)),
        _ => None,
    };
    if let Some(pattern) = pattern {
        filter = filter.pattern(pattern);
    }
    if let Some(order) = args.order_by {
        filter = filter.order_by(match order {
            OrderArg::Created => OrderBy::CreatedTime,
            OrderArg::Updated => OrderBy::UpdatedTime,
        });
    }
    let numbers = client.list(filter).page_size(args.page_size).items();
    stream_listing(numbers, args.output, out, "numbers", NO_PROJECT).await
}

/// `get`.
pub async fn get(client: &Client, args: GetArgs, out: &mut dyn Write) -> Result<u8, Failure> {
    let n = number(&args.number, args.default_region)?;
    let got = client
        .get(&n)
        .await
        .map_err(|e| Failure::from_sdk(n.as_str(), &e))?;
    write_one(&got, args.output, out)
}

/// `update`.
pub async fn update(client: &Client, args: UpdateArgs, out: &mut dyn Write) -> Result<u8, Failure> {
    let n = number(&args.number, args.default_region)?;
    let mut request = client.update(&n);
    if let Some(name) = &args.display_name {
        request = request.display_name(name);
    }
    if let Some(url) = &args.callback_url {
        request = request.callback_url(url);
    }
    if let Some(plan) = &args.service_plan_id {
        request = request.service_plan_id(plan);
    }
    if args.unlink_service_plan {
        request = request.unlink_service_plan();
    }
    if let Some(campaign) = &args.campaign_id {
        request = request.campaign_id(campaign);
    }
    if args.unlink_campaign {
        request = request.unlink_campaign();
    }
    if request.mask().is_empty() {
        return Err(Failure::usage("nothing to update").hint(
            "pass --display-name, --callback-url, --service-plan-id, --campaign-id or an --unlink-* flag",
        ));
    }
    let updated = request.send().await.map_err(|e| {
        let failure = Failure::from_sdk(n.as_str(), &e);
        if e.api_error().and_then(|a| a.status.as_deref()) == Some("FAILED_PRECONDITION") {
            failure.hint("a linked number must be unlinked first: use `sinch-numbers relink`")
        } else {
            failure
        }
    })?;
    write_one(&updated, args.output, out)
}

/// `relink`: unlink, then link.
pub async fn relink(client: &Client, args: RelinkArgs, out: &mut dyn Write) -> Result<u8, Failure> {
    let n = number(&args.number, args.default_region)?;
    let mut last = None;
    if let Some(plan) = &args.service_plan_id {
        last = Some(
            client
                .relink_service_plan(&n, plan)
                .await
                .map_err(|e| Failure::from_sdk(n.as_str(), &e))?,
        );
    }
    if let Some(campaign) = &args.campaign_id {
        last = Some(
            client
                .relink_campaign(&n, campaign)
                .await
                .map_err(|e| Failure::from_sdk(n.as_str(), &e))?,
        );
    }
    let mut writer = NumberWriter::single(args.output, out);
    if let Some(number) = &last {
        writer.write(number).map_err(io)?;
    }
    writer.finish().map_err(io)?;
    Ok(failure::OK)
}

/// `delete`: one number or a file of them; a number already gone counts as
/// deleted, so re-running is safe.
pub async fn delete(client: &Client, args: DeleteArgs, out: &mut dyn Write) -> Result<u8, Failure> {
    let targets: Vec<Target> = match (&args.csv, &args.number) {
        (Some(path), _) => Rows::open(
            path,
            Default::default(),
            Default::default(),
            args.default_region,
        )?
        .map(|row| {
            let n = PhoneNumber::parse_with_region(&row.written, args.default_region)
                .map_err(|e| format!("invalid phone number: {e}"));
            (row.line, row.written, n)
        })
        .collect(),
        (None, Some(text)) => vec![(0, text.clone(), Ok(number(text, args.default_region)?))],
        (None, None) => return Err(Failure::usage("give a number or --csv FILE")),
    };
    let targets = distinct(targets);
    let valid = targets.iter().filter(|t| t.2.is_ok()).count();
    if !args.yes
        && !confirm(&format!(
            "Delete {valid} number(s) from project {}?",
            client.project_id()
        ))?
    {
        writeln!(out, "nothing deleted").map_err(io)?;
        return Ok(failure::OK);
    }
    delete_all(targets, args.output, out, |n| {
        let client = client.clone();
        async move { client.delete(&n).await }
    })
    .await
}

/// `wait`: each number's provisioning outcome.
pub async fn wait(client: &Client, args: WaitArgs, out: &mut dyn Write) -> Result<u8, Failure> {
    let numbers = args
        .numbers
        .iter()
        .map(|t| number(t, args.default_region))
        .collect::<Result<Vec<_>, _>>()?;
    let mut waits = stream::iter(numbers)
        .map(|n| {
            let wait = client
                .wait_for_provisioning(&n)
                .poll_interval(args.poll_interval)
                .deadline(args.deadline);
            async move { (n, wait.await) }
        })
        .buffered(16);
    let mut failed = 0;
    while let Some((n, result)) = waits.next().await {
        let (word, detail) = match &result {
            Ok(Provisioned::Ready(_)) => ("ready", String::new()),
            Ok(done) => {
                failed += 1;
                ("failed", provisioning_text(done.number()))
            }
            Err(e) => {
                failed += 1;
                ("error", e.to_string())
            }
        };
        if matches!(args.output, Format::Json | Format::Jsonl) {
            writeln!(
                out,
                "{}",
                serde_json::json!({"number": n.as_str(), "outcome": word, "detail": detail})
            )
            .map_err(io)?;
        } else {
            writeln!(out, "{n}\t{word}\t{}", visible(&detail)).map_err(io)?;
        }
    }
    Ok(if failed > 0 {
        failure::SOME_FAILED
    } else {
        failure::OK
    })
}

/// `callback-secret get|set`.
pub async fn callback_secret(
    client: &Client,
    command: SecretCommand,
    out: &mut dyn Write,
) -> Result<u8, Failure> {
    match command {
        SecretCommand::Get => {
            let secret = client
                .callback_secret()
                .await
                .map_err(|e| sdk_failure("callback secret", &e, NO_PROJECT))?;
            writeln!(out, "{}", secret.expose()).map_err(io)?;
        }
        SecretCommand::Set { from_file } => {
            let secret = CallbackSecret::new(config::read_secret(&from_file)?)
                .map_err(|e| Failure::usage(format!("the new secret: {e}")))?;
            client
                .set_callback_secret(&secret)
                .await
                .map_err(|e| Failure::from_sdk("callback secret", &e))?;
            writeln!(out, "callback secret replaced").map_err(io)?;
        }
    }
    Ok(failure::OK)
}

/// `verify-callback`: checks a saved body against its signature.
pub async fn verify_callback(
    client: Option<&Client>,
    args: VerifyArgs,
    out: &mut dyn Write,
) -> Result<u8, Failure> {
    let body = if args.body == Path::new("-") {
        let mut body = Vec::new();
        std::io::stdin()
            .read_to_end(&mut body)
            .map_err(|e| Failure::usage(format!("cannot read the body: {e}")))?;
        body
    } else {
        std::fs::read(&args.body)
            .map_err(|e| Failure::usage(format!("cannot read {}: {e}", args.body.display())))?
    };
    let secret = match (&args.secret_file, client) {
        (Some(path), _) => CallbackSecret::new(config::read_secret(path)?)
            .map_err(|e| Failure::usage(format!("the secret: {e}")))?,
        (None, Some(client)) => client
            .callback_secret()
            .await
            .map_err(|e| Failure::from_sdk("callback secret", &e))?,
        (None, None) => {
            return Err(Failure::usage("no secret to verify with")
                .hint("pass --secret-file, or configure the project to fetch its secret"))
        }
    };
    let event = callbacks::verify(&secret, &body, Some(&args.signature))
        .map_err(|e| Failure::failed(format!("the callback does not verify: {e}")))?;
    if matches!(args.output, Format::Json | Format::Jsonl) {
        serde_json::to_writer(&mut *out, event.raw()).map_err(|e| io(e.into()))?;
        writeln!(out).map_err(io)?;
    } else {
        writeln!(
            out,
            "signature ok\nevent {}\nnumber {}\ntype {}\nstatus {}\nfailure {}",
            visible(event.event_id().unwrap_or("-")),
            visible(event.resource_id().unwrap_or("-")),
            visible(&event.event_type().map_or("-".to_owned(), |t| t.to_string())),
            visible(&event.status().map_or("-".to_owned(), |s| s.to_string())),
            visible(
                &event
                    .failure_code()
                    .map_or("-".to_owned(), |c| c.to_string())
            ),
        )
        .map_err(io)?;
    }
    Ok(failure::OK)
}
