/**
 * The QuickSight analysis and dashboard as data: pure builders of the API's `Definition`
 * (https://docs.aws.amazon.com/quicksight/latest/APIReference/API_DashboardVersionDefinition.html),
 * one function per visual, and the CloudFormation template that deploys it (quicksight.ts; why
 * CloudFormation: docs/dashboard.md). Field names are the API's (PascalCase), the same in
 * CloudFormation's AWS::QuickSight::Analysis and ::Dashboard `Definition`.
 *
 * The visuals are those of dashboard.ts, over two datasets: metrics_by_month (MRR, subscribers,
 * movements, churn; the KPIs read its latest month) and payment_intents (volume and failure rate by
 * day). Two parameters drive every visual: the currency (a dropdown of the currencies in the data)
 * and the mode (live or test). Amounts are minor units in the views; calculated fields divide them
 * by the currency's minor units per major unit (1 for JPY and the other zero-decimal currencies).
 */
import { DASHBOARD_CHARTS, DASHBOARD_KPIS, THREE_DECIMAL_CURRENCIES, ZERO_DECIMAL_CURRENCIES } from "./dashboard";

/** Dataset identifiers inside the definition. */
export const METRICS_DATA_SET = "metrics_by_month";
export const PAYMENTS_DATA_SET = "payment_intents";

export const SHEET_ID = "stripe-metrics";
export const CURRENCY_PARAMETER = "currency";
export const MODE_PARAMETER = "mode";
/** The mode the dashboard opens in; the control switches to test data. */
export const DEFAULT_MODE = "live";
export const DEFAULT_CURRENCY = "usd";

/** Owner permissions of an analysis and a dashboard, the sets the QuickSight console grants an owner. */
export const ANALYSIS_OWNER_ACTIONS = [
    "quicksight:RestoreAnalysis",
    "quicksight:UpdateAnalysisPermissions",
    "quicksight:DeleteAnalysis",
    "quicksight:DescribeAnalysisPermissions",
    "quicksight:QueryAnalysis",
    "quicksight:DescribeAnalysis",
    "quicksight:UpdateAnalysis",
];
export const DASHBOARD_OWNER_ACTIONS = [
    "quicksight:DescribeDashboard",
    "quicksight:ListDashboardVersions",
    "quicksight:UpdateDashboardPermissions",
    "quicksight:QueryDashboard",
    "quicksight:UpdateDashboard",
    "quicksight:DeleteDashboard",
    "quicksight:DescribeDashboardPermissions",
    "quicksight:UpdateDashboardPublishedVersion",
];

type Json = Record<string, unknown>;

const column = (dataSet: string, name: string) => ({ DataSetIdentifier: dataSet, ColumnName: name });
const title = (text: string) => ({ Visibility: "VISIBLE", FormatText: { PlainText: text } });
const kpiTitle = (id: string) => DASHBOARD_KPIS.find((k) => k.id === id)!.title;
const chartTitle = (id: string) => DASHBOARD_CHARTS.find((c) => c.id === id)!.title;

/** Number formats: major units with thousands separators, counts as integers, rates as percentages. */
const AMOUNT_FORMAT = { FormatConfiguration: { NumberDisplayFormatConfiguration: { SeparatorConfiguration: { ThousandsSeparator: { Visibility: "VISIBLE" } } } } };
const COUNT_FORMAT = { FormatConfiguration: { NumberDisplayFormatConfiguration: { DecimalPlacesConfiguration: { DecimalPlaces: 0 } } } };
const RATE_FORMAT = { FormatConfiguration: { PercentageDisplayFormatConfiguration: { DecimalPlacesConfiguration: { DecimalPlaces: 1 } } } };

/** A measure summed over the rows in view, or (`aggregated`) a calculated field that aggregates itself. */
function measure(fieldId: string, dataSet: string, columnName: string, format: Json, aggregated = false): Json {
    return {
        NumericalMeasureField: {
            FieldId: fieldId,
            Column: column(dataSet, columnName),
            ...(aggregated ? {} : { AggregationFunction: { SimpleNumericalAggregation: "SUM" } }),
            FormatConfiguration: format,
        },
    };
}

function dateDimension(fieldId: string, dataSet: string, columnName: string, granularity: "MONTH" | "DAY"): Json {
    return { DateDimensionField: { FieldId: fieldId, Column: column(dataSet, columnName), DateGranularity: granularity } };
}

/** The divisor from minor to major units of the row's currency (https://docs.stripe.com/currencies#zero-decimal). */
export function minorUnitsPerMajor(): string {
    const list = (codes: readonly string[]) => `[${codes.map((c) => `"${c}"`).join(", ")}]`;
    return `ifelse(in({currency}, ${list(ZERO_DECIMAL_CURRENCIES)}), 1, in({currency}, ${list(THREE_DECIMAL_CURRENCIES)}), 1000, 100)`;
}

/** Calculated fields: amounts in major units, the mode as text, and the rates that must be aggregated before dividing. */
export function calculatedFields(withPayments: boolean): Json[] {
    const field = (dataSet: string, name: string, expression: string) => ({ DataSetIdentifier: dataSet, Name: name, Expression: expression });
    const amount = (dataSet: string, name: string, source: string, sign = "") => field(dataSet, name, `${sign}{${source}} / {minor_units_per_major}`);
    const mode = (dataSet: string) => field(dataSet, "mode", `ifelse({livemode} = 1, "live", "test")`);
    return [
        field(METRICS_DATA_SET, "minor_units_per_major", minorUnitsPerMajor()),
        mode(METRICS_DATA_SET),
        amount(METRICS_DATA_SET, "mrr_amount", "mrr"),
        amount(METRICS_DATA_SET, "new_mrr_amount", "new_mrr"),
        amount(METRICS_DATA_SET, "expansion_mrr_amount", "expansion_mrr"),
        amount(METRICS_DATA_SET, "reactivation_mrr_amount", "reactivation_mrr"),
        // Below the axis in the stacked movements chart.
        amount(METRICS_DATA_SET, "contraction_mrr_amount", "contraction_mrr", "-"),
        amount(METRICS_DATA_SET, "churned_mrr_amount", "churned_mrr", "-"),
        // Stripe's subscriber churn rate: churned / (active at the start + new), over the months in view.
        field(
            METRICS_DATA_SET,
            "subscriber_churn_rate",
            "ifelse(sum({active_subscribers_at_start}) + sum({new_subscribers}) > 0, sum({churned_subscribers}) / (sum({active_subscribers_at_start}) + sum({new_subscribers})), NULL)",
        ),
        field(METRICS_DATA_SET, "arpu_amount", "ifelse(sum({active_subscribers}) > 0, sum({mrr_amount}) / sum({active_subscribers}), NULL)"),
        ...(withPayments
            ? [
                  field(PAYMENTS_DATA_SET, "minor_units_per_major", minorUnitsPerMajor()),
                  mode(PAYMENTS_DATA_SET),
                  field(PAYMENTS_DATA_SET, "payment_volume_amount", `ifelse({event_type} = "payment_intent.succeeded", {amount_received}, 0) / {minor_units_per_major}`),
                  field(PAYMENTS_DATA_SET, "failed_attempt", `ifelse({event_type} = "payment_intent.payment_failed", 1, 0)`),
                  field(PAYMENTS_DATA_SET, "successful_payment", `ifelse({event_type} = "payment_intent.succeeded", 1, 0)`),
                  field(
                      PAYMENTS_DATA_SET,
                      "payment_failure_rate",
                      "ifelse(sum({failed_attempt}) + sum({successful_payment}) > 0, sum({failed_attempt}) / (sum({failed_attempt}) + sum({successful_payment})), NULL)",
                  ),
              ]
            : []),
    ];
}

/** KPI of the latest month (a filter scoped to the KPIs keeps only it). */
export function kpiVisual(id: (typeof DASHBOARD_KPIS)[number]["id"]): Json {
    const values: Record<typeof id, Json> = {
        "kpi-mrr": measure("kpi-mrr-value", METRICS_DATA_SET, "mrr_amount", AMOUNT_FORMAT),
        "kpi-active-subscribers": measure("kpi-active-subscribers-value", METRICS_DATA_SET, "active_subscribers", COUNT_FORMAT),
        "kpi-churn-rate": measure("kpi-churn-rate-value", METRICS_DATA_SET, "subscriber_churn_rate", RATE_FORMAT, true),
        "kpi-arpu": measure("kpi-arpu-value", METRICS_DATA_SET, "arpu_amount", AMOUNT_FORMAT, true),
    };
    return { KPIVisual: { VisualId: id, Title: title(kpiTitle(id)), ChartConfiguration: { FieldWells: { Values: [values[id]] } } } };
}

interface BarOptions {
    id: (typeof DASHBOARD_CHARTS)[number]["id"];
    category: Json;
    values: Json[];
    arrangement: "CLUSTERED" | "STACKED";
}

function barChart(o: BarOptions): Json {
    return {
        BarChartVisual: {
            VisualId: o.id,
            Title: title(chartTitle(o.id)),
            ChartConfiguration: {
                FieldWells: { BarChartAggregatedFieldWells: { Category: [o.category], Values: o.values } },
                Orientation: "VERTICAL",
                BarsArrangement: o.arrangement,
                DataLabels: { Visibility: "VISIBLE" },
                Legend: { Visibility: o.values.length > 1 ? "VISIBLE" : "HIDDEN" },
            },
        },
    };
}

const month = (id: string) => dateDimension(`${id}-month`, METRICS_DATA_SET, "month", "MONTH");

export function mrrByMonthVisual(): Json {
    return barChart({ id: "mrr-by-month", category: month("mrr-by-month"), values: [measure("mrr-by-month-mrr", METRICS_DATA_SET, "mrr_amount", AMOUNT_FORMAT)], arrangement: "CLUSTERED" });
}

export function mrrMovementsVisual(): Json {
    const kinds = ["new", "expansion", "reactivation", "contraction", "churned"];
    return barChart({
        id: "mrr-movements",
        category: month("mrr-movements"),
        values: kinds.map((k) => measure(`mrr-movements-${k}`, METRICS_DATA_SET, `${k}_mrr_amount`, AMOUNT_FORMAT)),
        arrangement: "STACKED",
    });
}

export function newVsChurnedVisual(): Json {
    return barChart({
        id: "new-vs-churned",
        category: month("new-vs-churned"),
        values: [measure("new-vs-churned-new", METRICS_DATA_SET, "new_subscribers", COUNT_FORMAT), measure("new-vs-churned-churned", METRICS_DATA_SET, "churned_subscribers", COUNT_FORMAT)],
        arrangement: "CLUSTERED",
    });
}

export function paymentVolumeVisual(): Json {
    return barChart({
        id: "payment-volume",
        category: dateDimension("payment-volume-day", PAYMENTS_DATA_SET, "event_time", "DAY"),
        values: [measure("payment-volume-amount", PAYMENTS_DATA_SET, "payment_volume_amount", AMOUNT_FORMAT)],
        arrangement: "CLUSTERED",
    });
}

export function failureRateVisual(): Json {
    return {
        LineChartVisual: {
            VisualId: "failure-rate",
            Title: title(chartTitle("failure-rate")),
            ChartConfiguration: {
                FieldWells: {
                    LineChartAggregatedFieldWells: {
                        Category: [dateDimension("failure-rate-day", PAYMENTS_DATA_SET, "event_time", "DAY")],
                        Values: [measure("failure-rate-rate", PAYMENTS_DATA_SET, "payment_failure_rate", RATE_FORMAT, true)],
                    },
                },
                DataLabels: { Visibility: "VISIBLE" },
            },
        },
    };
}

const KPI_IDS = DASHBOARD_KPIS.map((k) => k.id);
const METRIC_CHART_IDS = ["mrr-by-month", "mrr-movements", "new-vs-churned"];
const PAYMENT_CHART_IDS = ["payment-volume", "failure-rate"];

export function parameterDeclarations(): Json[] {
    const parameter = (name: string, value: string) => ({ StringParameterDeclaration: { Name: name, ParameterValueType: "SINGLE_VALUED", DefaultValues: { StaticValues: [value] } } });
    return [parameter(CURRENCY_PARAMETER, DEFAULT_CURRENCY), parameter(MODE_PARAMETER, DEFAULT_MODE)];
}

/** The currency dropdown lists the currencies in the metrics; the mode dropdown live and test. */
export function parameterControls(): Json[] {
    return [
        {
            Dropdown: {
                ParameterControlId: "currency-control",
                Title: "Currency",
                SourceParameterName: CURRENCY_PARAMETER,
                Type: "SINGLE_SELECT",
                SelectableValues: { LinkToDataSetColumn: column(METRICS_DATA_SET, "currency") },
            },
        },
        { Dropdown: { ParameterControlId: "mode-control", Title: "Live or test data", SourceParameterName: MODE_PARAMETER, Type: "SINGLE_SELECT", SelectableValues: { Values: ["live", "test"] } } },
    ];
}

/** `column = ${parameter}` on one dataset's visuals. */
function parameterFilter(id: string, dataSet: string, columnName: string, parameterName: string, visualIds: string[]): Json {
    return {
        FilterGroupId: id,
        CrossDataset: "SINGLE_DATASET",
        Status: "ENABLED",
        Filters: [
            {
                CategoryFilter: {
                    FilterId: `${id}-filter`,
                    Column: column(dataSet, columnName),
                    Configuration: { CustomFilterConfiguration: { MatchOperator: "EQUALS", ParameterName: parameterName, NullOption: "NON_NULLS_ONLY" } },
                },
            },
        ],
        ScopeConfiguration: { SelectedSheets: { SheetVisualScopingConfigurations: [{ SheetId: SHEET_ID, Scope: "SELECTED_VISUALS", VisualIds: visualIds }] } },
    };
}

/** Currency and mode on every visual of each dataset, and the KPIs on the latest month only. */
export function filterGroups(withPayments: boolean): Json[] {
    const metricVisuals = [...KPI_IDS, ...METRIC_CHART_IDS];
    return [
        parameterFilter("metrics-currency", METRICS_DATA_SET, "currency", CURRENCY_PARAMETER, metricVisuals),
        parameterFilter("metrics-mode", METRICS_DATA_SET, "mode", MODE_PARAMETER, metricVisuals),
        {
            FilterGroupId: "kpis-latest-month",
            CrossDataset: "SINGLE_DATASET",
            Status: "ENABLED",
            Filters: [
                {
                    NumericEqualityFilter: {
                        FilterId: "kpis-latest-month-filter",
                        Column: column(METRICS_DATA_SET, "is_latest_month"),
                        Value: 1,
                        MatchOperator: "EQUALS",
                        NullOption: "NON_NULLS_ONLY",
                    },
                },
            ],
            ScopeConfiguration: { SelectedSheets: { SheetVisualScopingConfigurations: [{ SheetId: SHEET_ID, Scope: "SELECTED_VISUALS", VisualIds: [...KPI_IDS] }] } },
        },
        ...(withPayments
            ? [
                  parameterFilter("payments-currency", PAYMENTS_DATA_SET, "currency", CURRENCY_PARAMETER, PAYMENT_CHART_IDS),
                  parameterFilter("payments-mode", PAYMENTS_DATA_SET, "mode", MODE_PARAMETER, PAYMENT_CHART_IDS),
              ]
            : []),
    ];
}

/** A 36-column grid: the four KPIs in a row, then the charts two by two. */
export function gridLayout(visualIds: readonly string[]): Json {
    const kpis = visualIds.filter((id) => id.startsWith("kpi-"));
    const charts = visualIds.filter((id) => !id.startsWith("kpi-"));
    const element = (id: string, columnIndex: number, rowIndex: number, columnSpan: number, rowSpan: number) => ({
        ElementId: id,
        ElementType: "VISUAL",
        ColumnIndex: columnIndex,
        RowIndex: rowIndex,
        ColumnSpan: columnSpan,
        RowSpan: rowSpan,
    });
    return {
        Configuration: {
            GridLayout: {
                Elements: [...kpis.map((id, i) => element(id, i * 9, 0, 9, 4)), ...charts.map((id, i) => element(id, (i % 2) * 18, 4 + Math.floor(i / 2) * 10, 18, 10))],
            },
        },
    };
}

export interface DashboardDefinitionOptions {
    metricsDataSetArn: string;
    /** Absent when payment_intent.* is not archived: the payment visuals are left out. */
    paymentsDataSetArn?: string;
}

/** The whole definition: one sheet with every visual, its controls, filters and layout. */
export function buildDashboardDefinition(o: DashboardDefinitionOptions): Json {
    const withPayments = o.paymentsDataSetArn !== undefined;
    const visuals = [
        ...KPI_IDS.map(kpiVisual),
        mrrByMonthVisual(),
        mrrMovementsVisual(),
        newVsChurnedVisual(),
        ...(withPayments ? [paymentVolumeVisual(), failureRateVisual()] : []),
    ];
    const ids = visuals.map((v) => (Object.values(v)[0] as { VisualId: string }).VisualId);
    return {
        DataSetIdentifierDeclarations: [
            { Identifier: METRICS_DATA_SET, DataSetArn: o.metricsDataSetArn },
            ...(withPayments ? [{ Identifier: PAYMENTS_DATA_SET, DataSetArn: o.paymentsDataSetArn }] : []),
        ],
        CalculatedFields: calculatedFields(withPayments),
        ParameterDeclarations: parameterDeclarations(),
        FilterGroups: filterGroups(withPayments),
        Sheets: [
            {
                SheetId: SHEET_ID,
                Name: "Stripe metrics",
                Title: "Stripe metrics",
                ParameterControls: parameterControls(),
                Visuals: visuals,
                Layouts: [gridLayout(ids)],
            },
        ],
    };
}

/** What readers may do on the published dashboard: filter, export, expand the sheet controls. */
export const DASHBOARD_PUBLISH_OPTIONS = {
    AdHocFilteringOption: { AvailabilityStatus: "ENABLED" },
    ExportToCSVOption: { AvailabilityStatus: "ENABLED" },
    SheetControlsOption: { VisibilityState: "EXPANDED" },
};

export interface DashboardTemplateOptions extends DashboardDefinitionOptions {
    accountId: string;
    principalArn: string;
    /** Analysis and dashboard id (unique per account and region), also their name's suffix. */
    id: string;
    name: string;
}

/** Logical ids of the template's resources and the outputs they give. */
export const TEMPLATE_ANALYSIS = "Analysis";
export const TEMPLATE_DASHBOARD = "Dashboard";

/**
 * The CloudFormation template of the analysis and the published dashboard, both with the definition
 * and owned by the principal. https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-quicksight-dashboard.html
 */
export function dashboardTemplate(o: DashboardTemplateOptions): Json {
    const definition = buildDashboardDefinition(o);
    return {
        AWSTemplateFormatVersion: "2010-09-09",
        Description: `Stripe metrics dashboard (${o.id}), built by stripe-analytics`,
        Resources: {
            [TEMPLATE_ANALYSIS]: {
                Type: "AWS::QuickSight::Analysis",
                Properties: {
                    AwsAccountId: o.accountId,
                    AnalysisId: o.id,
                    Name: o.name,
                    Definition: definition,
                    Permissions: [{ Principal: o.principalArn, Actions: ANALYSIS_OWNER_ACTIONS }],
                },
            },
            [TEMPLATE_DASHBOARD]: {
                Type: "AWS::QuickSight::Dashboard",
                Properties: {
                    AwsAccountId: o.accountId,
                    DashboardId: o.id,
                    Name: o.name,
                    VersionDescription: "Deployed by stripe-analytics",
                    Definition: definition,
                    DashboardPublishOptions: DASHBOARD_PUBLISH_OPTIONS,
                    Permissions: [{ Principal: o.principalArn, Actions: DASHBOARD_OWNER_ACTIONS }],
                },
            },
        },
        Outputs: {
            AnalysisArn: { Value: { "Fn::GetAtt": [TEMPLATE_ANALYSIS, "Arn"] } },
            DashboardArn: { Value: { "Fn::GetAtt": [TEMPLATE_DASHBOARD, "Arn"] } },
        },
    };
}

/** https://docs.aws.amazon.com/quicksight/latest/developerguide/resource-arns.html */
export function dashboardArn(partition: string, region: string, accountId: string, id: string): string {
    return `arn:${partition}:quicksight:${region}:${accountId}:dashboard/${id}`;
}

/** The console address of a dashboard. https://docs.aws.amazon.com/quicksight/latest/user/parameters-in-a-url.html */
export function dashboardUrl(region: string, id: string): string {
    return `https://${region}.quicksight.aws.amazon.com/sn/dashboards/${id}`;
}
