//! Revenue analytics on the bundled sample: 3,000 generated subscriptions over 2023–2024 in six
//! currencies, reported in USD: MRR, churn, LTV, movements, cohorts, forecast, tiers.

use chrono::NaiveDate;
use cognition_core::revenue::{
    BreakdownBy, CohortPeriod, Currency, FxTable, LedgerConfig, LtvValue, Money, Ratio,
    RevenueLedger,
};
use rust_decimal::Decimal;

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/samples/revenue/subscriptions.csv"
);
const FX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/samples/revenue/fx.csv");

fn pct(r: &Ratio) -> String {
    match r {
        Ratio::Value(v) => format!("{:.1}%", v * Decimal::ONE_HUNDRED),
        Ratio::Unbounded => "unbounded".into(),
        Ratio::Undefined => "n/a".into(),
    }
}

/// Print the revenue section.
pub fn show() -> Result<(), Box<dyn std::error::Error>> {
    let fx = FxTable::from_csv(Currency::USD, std::fs::File::open(FX)?)?;
    let mut ledger = RevenueLedger::with_config(LedgerConfig {
        fx: Some(fx),
        ..LedgerConfig::default()
    });
    let loaded = ledger.load_csv(std::fs::File::open(SAMPLE)?)?;
    let as_of = NaiveDate::from_ymd_opt(2024, 12, 31).ok_or("date")?;
    let usd = |amount: Decimal| Money::new(amount, Currency::USD).to_string();

    println!("{loaded} subscriptions loaded from {SAMPLE}, as of {as_of}\n");
    let s = ledger.mrr(as_of)?;
    println!(
        "MRR {}   ARR {}   ARPU {}",
        s.mrr,
        s.arr,
        s.arpu.map_or("n/a".into(), |a| a.to_string())
    );
    println!(
        "customers: {} active, {} paying",
        s.active_customers, s.paying_customers
    );
    println!(
        "MRR by currency: {}",
        s.by_currency
            .iter()
            .map(|m| m.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );

    let churn = ledger.churn(as_of)?;
    println!(
        "\nDecember: customer churn {} ({} of {}), gross MRR churn {}, NRR {}, GRR {}, quick ratio {}",
        pct(&churn.customer_churn_rate),
        churn.churned_customers,
        churn.customers_start,
        pct(&churn.gross_mrr_churn_rate),
        pct(&churn.nrr),
        pct(&churn.grr),
        match churn.quick_ratio {
            Ratio::Value(v) => format!("{v:.2}"),
            other => pct(&other),
        }
    );
    let ltv = ledger.ltv(as_of, 3)?;
    let ltv_text = match &ltv.ltv {
        LtvValue::Finite(m) => m.to_string(),
        LtvValue::Unbounded => "unbounded (no churn)".into(),
        LtvValue::Undefined => "n/a".into(),
    };
    println!(
        "LTV {ltv_text} (monthly churn {} over {}–{})",
        pct(&ltv.monthly_churn_rate),
        ltv.window_start,
        ltv.window_end
    );

    println!("\nMRR movements, last six months (USD at the rates of {as_of}):");
    println!(
        "{:<8} {:>13} {:>12} {:>12} {:>12} {:>12} {:>12} {:>13}",
        "month", "start", "new", "expansion", "reactivation", "contraction", "churn", "end"
    );
    let movements = ledger.movements(NaiveDate::from_ymd_opt(2024, 7, 1).ok_or("date")?, as_of)?;
    for m in &movements.reporting.months {
        println!(
            "{:<8} {:>13} {:>12} {:>12} {:>12} {:>12} {:>12} {:>13}",
            m.month.format("%Y-%m").to_string(),
            usd(m.mrr_start),
            usd(m.new),
            usd(m.expansion),
            usd(m.reactivation),
            usd(m.contraction),
            usd(m.churn),
            usd(m.mrr_end)
        );
    }

    println!("\nMonthly cohorts (logo retention by month offset, last six cohorts):");
    let cohorts = ledger.cohorts(CohortPeriod::Month, as_of)?;
    for c in cohorts.cohorts.iter().rev().take(6).rev() {
        let row: Vec<String> = c
            .logo_retention_pct
            .iter()
            .take(6)
            .map(|p| match p {
                Ratio::Value(v) => format!("{:>5.1}", v),
                _ => "  n/a".into(),
            })
            .collect();
        println!(
            "{} ({:>3} customers): {}",
            c.period_start.format("%Y-%m"),
            c.customers,
            row.join(" ")
        );
    }

    println!("\nForecast (from the last six months):");
    let forecast = ledger.forecast(as_of, Default::default())?;
    println!(
        "compound monthly growth {}, linear slope {} per month",
        forecast
            .compound_monthly_growth_rate
            .map_or("n/a".into(), |g| format!(
                "{:.2}%",
                g * Decimal::ONE_HUNDRED
            )),
        usd(forecast.linear_slope)
    );
    for p in forecast.points.iter().take(6) {
        println!(
            "{}  compound {:>13}  linear {:>13}",
            p.month.format("%Y-%m"),
            p.compound.map_or("n/a".into(), usd),
            usd(p.linear)
        );
    }

    println!("\nBy tier:");
    for row in ledger.breakdown(as_of, BreakdownBy::Tier)?.rows {
        println!(
            "{:<11} {:>5} subscriptions {:>5} paying  MRR {:>13}  share {}",
            row.key,
            row.subscriptions,
            row.paying_customers,
            row.mrr.to_string(),
            pct(&row.share)
        );
    }
    Ok(())
}
