import { strict as assert } from "assert";
import { DASHBOARD_CHARTS, DASHBOARD_KPIS } from "../../../components/analytics/dashboard";
import {
    ANALYSIS_OWNER_ACTIONS,
    buildDashboardDefinition,
    calculatedFields,
    DASHBOARD_OWNER_ACTIONS,
    dashboardTemplate,
    failureRateVisual,
    filterGroups,
    kpiVisual,
    minorUnitsPerMajor,
    mrrByMonthVisual,
    mrrMovementsVisual,
    newVsChurnedVisual,
    parameterControls,
    parameterDeclarations,
    paymentVolumeVisual,
} from "../../../components/analytics/quicksightDashboard";
import { deployPipeline } from "../../support/deployPipeline";
import { ACCOUNT_ID, valueOf } from "../../support/pulumiMocks";

const QUICKSIGHT_USER = `arn:aws:quicksight:us-east-1:${ACCOUNT_ID}:user/default/alice`;
const METRICS_ARN = `arn:aws:quicksight:us-east-1:${ACCOUNT_ID}:dataset/stripe-analytics-dev-bi-metrics-by-month`;
const PAYMENTS_ARN = `arn:aws:quicksight:us-east-1:${ACCOUNT_ID}:dataset/stripe-analytics-dev-bi-payment-intents`;
/** Largest CloudFormation template passed in the request (TemplateBody). https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html */
const TEMPLATE_BODY_LIMIT = 51200;

const metricsColumn = (ColumnName: string) => ({ DataSetIdentifier: "metrics_by_month", ColumnName });
const paymentsColumn = (ColumnName: string) => ({ DataSetIdentifier: "payment_intents", ColumnName });
const sum = (FieldId: string, Column: object, FormatConfiguration: object) => ({ NumericalMeasureField: { FieldId, Column, AggregationFunction: { SimpleNumericalAggregation: "SUM" }, FormatConfiguration } });
const AMOUNT = { FormatConfiguration: { NumberDisplayFormatConfiguration: { SeparatorConfiguration: { ThousandsSeparator: { Visibility: "VISIBLE" } } } } };
const COUNT = { FormatConfiguration: { NumberDisplayFormatConfiguration: { DecimalPlacesConfiguration: { DecimalPlaces: 0 } } } };
const RATE = { FormatConfiguration: { PercentageDisplayFormatConfiguration: { DecimalPlacesConfiguration: { DecimalPlaces: 1 } } } };
const title = (PlainText: string) => ({ Visibility: "VISIBLE", FormatText: { PlainText } });

describe("QuickSight dashboard definition (pure builders)", function () {
    it("shows the KPIs of the latest month: MRR and ARPU in major units, active subscribers, Stripe's churn rate", function () {
        assert.deepEqual(kpiVisual("kpi-mrr"), { KPIVisual: { VisualId: "kpi-mrr", Title: title("MRR"), ChartConfiguration: { FieldWells: { Values: [sum("kpi-mrr-value", metricsColumn("mrr_amount"), AMOUNT)] } } } });
        assert.deepEqual((kpiVisual("kpi-active-subscribers") as any).KPIVisual, {
            VisualId: "kpi-active-subscribers",
            Title: title("Active subscribers"),
            ChartConfiguration: { FieldWells: { Values: [sum("kpi-active-subscribers-value", metricsColumn("active_subscribers"), COUNT)] } },
        });
        // The rates are calculated fields that aggregate before they divide: no aggregation on top.
        assert.deepEqual(kpiVisual("kpi-churn-rate"), {
            KPIVisual: {
                VisualId: "kpi-churn-rate",
                Title: title("Subscriber churn rate, latest month"),
                ChartConfiguration: { FieldWells: { Values: [{ NumericalMeasureField: { FieldId: "kpi-churn-rate-value", Column: metricsColumn("subscriber_churn_rate"), FormatConfiguration: RATE } }] } },
            },
        });
        assert.deepEqual((kpiVisual("kpi-arpu") as any).KPIVisual.ChartConfiguration, {
            FieldWells: { Values: [{ NumericalMeasureField: { FieldId: "kpi-arpu-value", Column: metricsColumn("arpu_amount"), FormatConfiguration: AMOUNT } }] },
        });
    });

    it("charts MRR, its movements (stacked, losses below the axis) and new vs churned subscribers by month", function () {
        const month = (id: string) => ({ DateDimensionField: { FieldId: `${id}-month`, Column: metricsColumn("month"), DateGranularity: "MONTH" } });
        const chart = (id: string, values: object[], BarsArrangement: string, legend: string) => ({
            BarChartVisual: {
                VisualId: id,
                Title: title(DASHBOARD_CHARTS.find((c) => c.id === id)!.title),
                ChartConfiguration: {
                    FieldWells: { BarChartAggregatedFieldWells: { Category: [month(id)], Values: values } },
                    Orientation: "VERTICAL",
                    BarsArrangement,
                    DataLabels: { Visibility: "VISIBLE" },
                    Legend: { Visibility: legend },
                },
            },
        });
        assert.deepEqual(mrrByMonthVisual(), chart("mrr-by-month", [sum("mrr-by-month-mrr", metricsColumn("mrr_amount"), AMOUNT)], "CLUSTERED", "HIDDEN"));
        assert.deepEqual(
            mrrMovementsVisual(),
            chart(
                "mrr-movements",
                ["new", "expansion", "reactivation", "contraction", "churned"].map((k) => sum(`mrr-movements-${k}`, metricsColumn(`${k}_mrr_amount`), AMOUNT)),
                "STACKED",
                "VISIBLE",
            ),
        );
        assert.deepEqual(
            newVsChurnedVisual(),
            chart("new-vs-churned", [sum("new-vs-churned-new", metricsColumn("new_subscribers"), COUNT), sum("new-vs-churned-churned", metricsColumn("churned_subscribers"), COUNT)], "CLUSTERED", "VISIBLE"),
        );
    });

    it("charts payment volume and the failure rate by day", function () {
        const day = (id: string) => ({ DateDimensionField: { FieldId: `${id}-day`, Column: paymentsColumn("event_time"), DateGranularity: "DAY" } });
        assert.deepEqual((paymentVolumeVisual() as any).BarChartVisual.ChartConfiguration.FieldWells, {
            BarChartAggregatedFieldWells: { Category: [day("payment-volume")], Values: [sum("payment-volume-amount", paymentsColumn("payment_volume_amount"), AMOUNT)] },
        });
        assert.deepEqual(failureRateVisual(), {
            LineChartVisual: {
                VisualId: "failure-rate",
                Title: title("Payment failure rate by day"),
                ChartConfiguration: {
                    FieldWells: {
                        LineChartAggregatedFieldWells: {
                            Category: [day("failure-rate")],
                            Values: [{ NumericalMeasureField: { FieldId: "failure-rate-rate", Column: paymentsColumn("payment_failure_rate"), FormatConfiguration: RATE } }],
                        },
                    },
                    DataLabels: { Visibility: "VISIBLE" },
                },
            },
        });
    });

    it("turns minor units into currency amounts: JPY and the other zero-decimal currencies as they are, three-decimal ones by 1000", function () {
        const expression = minorUnitsPerMajor();
        assert.match(expression, /^ifelse\(in\(\{currency\}, \["bif", "clp", .*"jpy".*\]\), 1, in\(\{currency\}, \["bhd", "jod", "kwd", "omr", "tnd"\]\), 1000, 100\)$/);
        const fields = calculatedFields(true);
        const field = (dataSet: string, name: string) => fields.find((f) => f.DataSetIdentifier === dataSet && f.Name === name)?.Expression;
        assert.equal(field("metrics_by_month", "mrr_amount"), "{mrr} / {minor_units_per_major}");
        assert.equal(field("metrics_by_month", "churned_mrr_amount"), "-{churned_mrr} / {minor_units_per_major}");
        assert.equal(
            field("metrics_by_month", "subscriber_churn_rate"),
            "ifelse(sum({active_subscribers_at_start}) + sum({new_subscribers}) > 0, sum({churned_subscribers}) / (sum({active_subscribers_at_start}) + sum({new_subscribers})), NULL)",
        );
        assert.equal(field("payment_intents", "payment_volume_amount"), 'ifelse({event_type} = "payment_intent.succeeded", {amount_received}, 0) / {minor_units_per_major}');
        assert.equal(field("payment_intents", "mode"), 'ifelse({livemode} = 1, "live", "test")');
        assert.deepEqual(calculatedFields(false).map((f) => f.DataSetIdentifier), Array(10).fill("metrics_by_month"));
    });

    it("filters every visual by the currency and the live/test controls, and the KPIs to the latest month", function () {
        assert.deepEqual(parameterDeclarations(), [
            { StringParameterDeclaration: { Name: "currency", ParameterValueType: "SINGLE_VALUED", DefaultValues: { StaticValues: ["usd"] } } },
            { StringParameterDeclaration: { Name: "mode", ParameterValueType: "SINGLE_VALUED", DefaultValues: { StaticValues: ["live"] } } },
        ]);
        assert.deepEqual(parameterControls(), [
            { Dropdown: { ParameterControlId: "currency-control", Title: "Currency", SourceParameterName: "currency", Type: "SINGLE_SELECT", SelectableValues: { LinkToDataSetColumn: metricsColumn("currency") } } },
            { Dropdown: { ParameterControlId: "mode-control", Title: "Live or test data", SourceParameterName: "mode", Type: "SINGLE_SELECT", SelectableValues: { Values: ["live", "test"] } } },
        ]);
        const groups = filterGroups(true);
        const scope = (g: (typeof groups)[number]) => (g.ScopeConfiguration as { SelectedSheets: { SheetVisualScopingConfigurations: { VisualIds: string[] }[] } }).SelectedSheets.SheetVisualScopingConfigurations[0].VisualIds;
        assert.deepEqual(
            groups.map((g) => [g.FilterGroupId, scope(g)]),
            [
                ["metrics-currency", ["kpi-mrr", "kpi-active-subscribers", "kpi-churn-rate", "kpi-arpu", "mrr-by-month", "mrr-movements", "new-vs-churned"]],
                ["metrics-mode", ["kpi-mrr", "kpi-active-subscribers", "kpi-churn-rate", "kpi-arpu", "mrr-by-month", "mrr-movements", "new-vs-churned"]],
                ["kpis-latest-month", ["kpi-mrr", "kpi-active-subscribers", "kpi-churn-rate", "kpi-arpu"]],
                ["payments-currency", ["payment-volume", "failure-rate"]],
                ["payments-mode", ["payment-volume", "failure-rate"]],
            ],
        );
        assert.deepEqual(groups[1].Filters, [
            {
                CategoryFilter: {
                    FilterId: "metrics-mode-filter",
                    Column: metricsColumn("mode"),
                    Configuration: { CustomFilterConfiguration: { MatchOperator: "EQUALS", ParameterName: "mode", NullOption: "NON_NULLS_ONLY" } },
                },
            },
        ]);
        assert.deepEqual(groups[2].Filters, [{ NumericEqualityFilter: { FilterId: "kpis-latest-month-filter", Column: metricsColumn("is_latest_month"), Value: 1, MatchOperator: "EQUALS", NullOption: "NON_NULLS_ONLY" } }]);
        assert.deepEqual(filterGroups(false).map((g) => g.FilterGroupId), ["metrics-currency", "metrics-mode", "kpis-latest-month"]);
    });

    it("puts every visual of dashboard.ts on one sheet, the KPIs in a row and the charts two by two", function () {
        const definition = buildDashboardDefinition({ metricsDataSetArn: METRICS_ARN, paymentsDataSetArn: PAYMENTS_ARN }) as any;
        assert.deepEqual(definition.DataSetIdentifierDeclarations, [
            { Identifier: "metrics_by_month", DataSetArn: METRICS_ARN },
            { Identifier: "payment_intents", DataSetArn: PAYMENTS_ARN },
        ]);
        const sheet = definition.Sheets[0];
        const ids = sheet.Visuals.map((v: object) => (Object.values(v)[0] as { VisualId: string }).VisualId);
        assert.deepEqual(ids, [...DASHBOARD_KPIS, ...DASHBOARD_CHARTS].map((v) => v.id));
        assert.deepEqual(
            sheet.Layouts[0].Configuration.GridLayout.Elements.map((e: any) => [e.ElementId, e.ColumnIndex, e.RowIndex, e.ColumnSpan, e.RowSpan]),
            [
                ["kpi-mrr", 0, 0, 9, 4],
                ["kpi-active-subscribers", 9, 0, 9, 4],
                ["kpi-churn-rate", 18, 0, 9, 4],
                ["kpi-arpu", 27, 0, 9, 4],
                ["mrr-by-month", 0, 4, 18, 10],
                ["mrr-movements", 18, 4, 18, 10],
                ["new-vs-churned", 0, 14, 18, 10],
                ["payment-volume", 18, 14, 18, 10],
                ["failure-rate", 0, 24, 18, 10],
            ],
        );
        assert.deepEqual(sheet.ParameterControls, parameterControls());
        // Without payment intents archived, the payment visuals and their dataset are left out.
        const withoutPayments = buildDashboardDefinition({ metricsDataSetArn: METRICS_ARN }) as any;
        assert.equal(withoutPayments.DataSetIdentifierDeclarations.length, 1);
        assert.deepEqual(withoutPayments.Sheets[0].Visuals.length, 7);
    });

    it("deploys an analysis and a published dashboard with that definition, owned by the principal, in a template CloudFormation accepts inline", function () {
        const template = dashboardTemplate({ accountId: ACCOUNT_ID, principalArn: QUICKSIGHT_USER, id: "x-metrics", name: "Stripe metrics (x)", metricsDataSetArn: METRICS_ARN, paymentsDataSetArn: PAYMENTS_ARN }) as any;
        const definition = buildDashboardDefinition({ metricsDataSetArn: METRICS_ARN, paymentsDataSetArn: PAYMENTS_ARN });
        assert.deepEqual(template.Resources.Analysis, {
            Type: "AWS::QuickSight::Analysis",
            Properties: { AwsAccountId: ACCOUNT_ID, AnalysisId: "x-metrics", Name: "Stripe metrics (x)", Definition: definition, Permissions: [{ Principal: QUICKSIGHT_USER, Actions: ANALYSIS_OWNER_ACTIONS }] },
        });
        assert.deepEqual(template.Resources.Dashboard, {
            Type: "AWS::QuickSight::Dashboard",
            Properties: {
                AwsAccountId: ACCOUNT_ID,
                DashboardId: "x-metrics",
                Name: "Stripe metrics (x)",
                VersionDescription: "Deployed by stripe-analytics",
                Definition: definition,
                DashboardPublishOptions: { AdHocFilteringOption: { AvailabilityStatus: "ENABLED" }, ExportToCSVOption: { AvailabilityStatus: "ENABLED" }, SheetControlsOption: { VisibilityState: "EXPANDED" } },
                Permissions: [{ Principal: QUICKSIGHT_USER, Actions: DASHBOARD_OWNER_ACTIONS }],
            },
        });
        assert.deepEqual(template.Outputs, { AnalysisArn: { Value: { "Fn::GetAtt": ["Analysis", "Arn"] } }, DashboardArn: { Value: { "Fn::GetAtt": ["Dashboard", "Arn"] } } });
        assert.ok(JSON.stringify(template).length < TEMPLATE_BODY_LIMIT, `${JSON.stringify(template).length} bytes`);
    });
});

describe("QuickSight dashboard (mocked deployment)", function () {
    it("creates the dashboard stack over the metrics and payments datasets, and outputs its URL and ARN", async function () {
        const { mocks, pipeline } = await deployPipeline("bi", { extraEventTypes: ["payment_intent.*", "customer.subscription.*"], quicksightPrincipalArn: QUICKSIGHT_USER });
        const stack = mocks.get("aws:cloudformation/stack:Stack", "bi-quicksight-dashboard").inputs;
        assert.equal(stack.name, "stripe-analytics-dev-bi-metrics");
        assert.deepEqual(
            JSON.parse(stack.templateBody),
            dashboardTemplate({
                accountId: ACCOUNT_ID,
                principalArn: QUICKSIGHT_USER,
                id: "stripe-analytics-dev-bi-metrics",
                name: "Stripe metrics (stripe-analytics-dev-bi)",
                metricsDataSetArn: METRICS_ARN,
                paymentsDataSetArn: PAYMENTS_ARN,
            }),
        );
        assert.equal(await valueOf(pipeline.dashboardArn), `arn:aws:quicksight:us-east-1:${ACCOUNT_ID}:dashboard/stripe-analytics-dev-bi-metrics`);
        assert.equal(await valueOf(pipeline.dashboardUrl), "https://us-east-1.quicksight.aws.amazon.com/sn/dashboards/stripe-analytics-dev-bi-metrics");
    });

    it("leaves the payment visuals out without payment intents, and the dashboard out without a principal", async function () {
        const { mocks } = await deployPipeline("bi", { quicksightPrincipalArn: QUICKSIGHT_USER });
        const template = JSON.parse(mocks.get("aws:cloudformation/stack:Stack", "bi-quicksight-dashboard").inputs.templateBody);
        assert.deepEqual(template.Resources.Dashboard.Properties.Definition.DataSetIdentifierDeclarations, [{ Identifier: "metrics_by_month", DataSetArn: METRICS_ARN }]);
        const plain = await deployPipeline("plain", { extraEventTypes: ["payment_intent.*"] });
        assert.deepEqual(plain.mocks.ofType("aws:cloudformation/stack:Stack"), []);
        assert.equal(await valueOf(plain.pipeline.dashboardUrl), undefined);
        assert.equal(await valueOf(plain.pipeline.dashboardArn), undefined);
    });
});
