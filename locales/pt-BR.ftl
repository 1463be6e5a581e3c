# moveo-reports, português do Brasil. Toda chave deste arquivo deve existir em todos os catálogos (um teste verifica).
# Os números chegam já formatados; `$n` serve apenas para escolher o plural.
# Em pt, a categoria "one" do CLDR inclui o 0; por isso algumas mensagens têm uma variante [0].

## Dates

month_1 = janeiro
month_2 = fevereiro
month_3 = março
month_4 = abril
month_5 = maio
month_6 = junho
month_7 = julho
month_8 = agosto
month_9 = setembro
month_10 = outubro
month_11 = novembro
month_12 = dezembro
month_short_1 = jan.
month_short_2 = fev.
month_short_3 = mar.
month_short_4 = abr.
month_short_5 = mai.
month_short_6 = jun.
month_short_7 = jul.
month_short_8 = ago.
month_short_9 = set.
month_short_10 = out.
month_short_11 = nov.
month_short_12 = dez.
weekday_1 = segunda-feira
weekday_2 = terça-feira
weekday_3 = quarta-feira
weekday_4 = quinta-feira
weekday_5 = sexta-feira
weekday_6 = sábado
weekday_7 = domingo
weekdays_1 = segundas-feiras
weekdays_2 = terças-feiras
weekdays_3 = quartas-feiras
weekdays_4 = quintas-feiras
weekdays_5 = sextas-feiras
weekdays_6 = sábados
weekdays_7 = domingos
weekday_short_1 = seg.
weekday_short_2 = ter.
weekday_short_3 = qua.
weekday_short_4 = qui.
weekday_short_5 = sex.
weekday_short_6 = sáb.
weekday_short_7 = dom.
date_day_month = { $day } de { $month }
date_long = { $day } de { $month } de { $year }
date_weekday = { $weekday }, { $day } de { $month }
date_month_year = { $month } de { $year }
date_range = { $first } – { $last }
date_range_same_year = { $first } – { $last } de { $year }
date_range_same_month = { $first }–{ $last } de { $month } de { $year }
date_week_of = Semana de { $date }
date_time = { $date }, { $time } { $zone }

## Formats

unit_pp = p.p.
change_new = novo
demo_mark = Dados de demonstração
brand_default = Análises da Moveo.AI
busiest_none = nenhuma mensagem
kind_weekly = Relatório semanal
kind_monthly = Relatório mensal
kind_custom = Relatório

## Headline figures

kpi_sessions = Sessões
kpi_users = Usuários
kpi_messages = Mensagens de usuários
kpi_messages_per_session = Mensagens por sessão
kpi_avg_response = Tempo médio de resposta
kpi_median_response = Mediana de resposta
kpi_first_response = Primeira resposta média
kpi_agent_replies = Respostas de atendentes
kpi_closed_sessions = Encerradas por atendente
kpi_ratings = Avaliações
kpi_avg_rating = Avaliação média
kpi_share_above_3 = Avaliações acima de 3
kpi_containment = Contenção
kpi_coverage = Cobertura

## Day table, CSV and workbook columns

col_day = Dia
col_week = Semana
col_sessions = Sessões
col_users = Usuários
col_messages = Mensagens
col_agent_replies = Respostas de atendentes
col_closed = Encerradas
col_avg_response = Resposta média
col_ratings = Avaliações
col_avg_rating = Avaliação média

## Goals

goal_above = { $distance } acima
goal_short = faltam { $distance }
goal_under = { $distance } abaixo
goal_over = { $distance } a mais

## Highlights

hl_kpi_above = { $label }: { $value }, bem acima do habitual de { $usual } (mediana { $steps ->
        [months] dos { $n } meses anteriores
       *[weeks] das { $n } semanas anteriores
    }; { $change }).
hl_kpi_below = { $label }: { $value }, bem abaixo do habitual de { $usual } (mediana { $steps ->
        [months] dos { $n } meses anteriores
       *[weeks] das { $n } semanas anteriores
    }; { $change }).
hl_day = { $day }: { $sessions } sessões, { $factor } vezes o volume habitual de { $weekday } (mediana de { $usual } em { $n } { $weekdays } anteriores).
hl_intent_rose = A intenção “{ $intent }” subiu de { $before } para { $now } ({ $change }).
hl_intent_fell = A intenção “{ $intent }” caiu de { $before } para { $now } ({ $change }).
hl_goal_missed = Meta não atingida: { $label } ficou em { $actual }, com alvo de { $target } ({ $distance }).
hl_goals_met = { $n ->
        [one] Meta atingida
       *[other] Metas atingidas
    }: { $list }.
hl_ai_agent_rise = A maior parte do aumento nas sessões com agentes de IA ({ $total }) veio de um único agente de IA, { $agent } ({ $change }, { $share } da variação).
hl_ai_agent_drop = A maior parte da queda nas sessões com agentes de IA ({ $total }) veio de um único agente de IA, { $agent } ({ $change }, { $share } da variação).
hl_too_little = Tráfego insuficiente para destaques: { $sessions } { $n ->
        [0] sessões
        [one] sessão
       *[other] sessões
    } neste período (são necessárias { $min } ou mais).
hl_nothing_unusual = Nada fora do comum: nenhum dia se destacou em relação ao mesmo dia da semana nas semanas anteriores, e nenhuma intenção com { $volume } usos ou mais variou por um fator de { $factor } ou mais.
hl_nothing_unusual_trend = Nada fora do comum: todos os indicadores principais estão dentro da faixa habitual { $steps ->
        [months] dos meses anteriores
       *[weeks] das semanas anteriores
    }, nenhum dia se destacou em relação ao mesmo dia da semana nas semanas anteriores, e nenhuma intenção com { $volume } usos ou mais variou por um fator de { $factor } ou mais.
date_month_short_year = { $month }/{ $year }

## AI agents

ai_all_sessions = Todas as sessões
ai_contained = Contidas
ai_not_contained = Não contidas
ai_covered = Cobertas
ai_not_covered = Não cobertas
ai_explained = A contenção é a parcela das sessões com agentes de IA que terminaram sem transferência para uma pessoa. A cobertura é a parcela das respostas do agente de IA que vieram do que ele aprendeu no treinamento, e não da resposta de reserva (o fluxo “Unknown”).

## What a report could not show

check_hint = O responsável pelo relatório pode executar `moveo-reports check` para ver quais consultas funcionam nesta conta; um arquivo de consultas corrigido (em MOVEO_QUERIES_DIR ou em queries/ no bucket de relatórios na AWS) traz a seção de volta sem precisar recompilar.
section_kpis = Indicadores-chave
section_activity = Gráfico de sessões, usuários e mensagens
section_intents = Principais intenções
section_response_times = Gráfico de tempos de resposta
section_agent_replies = Gráfico de respostas de atendentes
section_ratings = Gráfico de avaliações
section_ratings_summary = Resumo das avaliações
section_quotes = Comentários dos usuários
section_messages_per_hour = Mensagens por hora
section_daily = Tabela dia a dia
section_agents = Atendentes
section_ai_agents = Agentes de IA: contenção e cobertura
section_ai_duration = Duração das sessões com agentes de IA
section_ai_messages = Mensagens por sessão com agentes de IA
section_ai_distribution = Mensagens de usuários por sessão com agentes de IA
kpi_unknown = Indicador
field_sessions_total = Sessões
field_users_total = Usuários
field_messages_total = Mensagens de usuários
field_sessions = Sessões por dia
field_users = Usuários por dia
field_messages = Mensagens por dia
field_agent_replies = Respostas de atendentes
field_open_closed = Sessões encerradas
field_response_times = Tempos de resposta por dia
field_response_overall = Tempos de resposta
field_ratings = Avaliações
field_feedback = Comentários das avaliações
field_top_intents = Principais intenções
field_hourly = Mensagens por hora
field_agents = Atendentes
field_ai_agents = Desempenho dos agentes de IA
field_ai_counts = Sessões por agente de IA
field_ai_duration = Duração das sessões com agentes de IA
field_ai_messages = Mensagens por sessão com agentes de IA
field_ai_distribution = Distribuição de mensagens com agentes de IA
coverage_column = a coluna “{ $column }”
coverage_left_out = Omitido: { $list } (a consulta { $query } foi rejeitada; veja a nota no início).
coverage_unfiltered = { $figure }: sem filtro por { $filters } (a consulta { $query } não aceita esse filtro).
coverage_key_figures = Indicadores-chave ({ $list })
coverage_day_columns = a coluna “{ $list }” da tabela dia a dia
coverage_gap_unreadable = { $sections }: omitido porque não foi possível ler a resposta da Moveo à consulta { $query } ({ $file }): { $reason }
coverage_gap_rejected = { $sections }: omitido porque a Moveo rejeitou a consulta { $query } ({ $file }): { $reason }

## Charts: titles, axes and what each one says (alt text)

chart_activity = Sessões, usuários e mensagens { $per ->
        [week] por semana
       *[day] por dia
    }
chart_intents = Principais intenções
chart_response_times = Tempos de resposta (minutos)
chart_agent_replies = Respostas de atendentes { $per ->
        [week] por semana
       *[day] por dia
    }
chart_ratings = Avaliações
chart_messages_per_hour = Mensagens de usuários por hora da semana
chart_ai_distribution = Mensagens de usuários por sessão com agentes de IA
axis_minutes = minutos
axis_replies = respostas
axis_ratings = avaliações
axis_sessions = sessões
axis_user_messages_in_session = mensagens do usuário na sessão
axis_stars = { $stars ->
        [one] { $stars } estrela
       *[other] { $stars } estrelas
    }
series_first_response = Primeira resposta
series_average = Média
series_median = Mediana
alt_activity = Três gráficos de linhas, cada um com sua própria escala: { $sessions } sessões, { $users } usuários e { $messages } mensagens de usuários em { $n } { $per ->
        [week] { $n ->
            [one] semana
           *[other] semanas
        }
       *[day] { $n ->
            [one] dia
           *[other] dias
        }
    }.
alt_intents = Gráfico de barras das { $n } principais intenções; a mais usada é { $intent }, com { $count }.
alt_intents_none = Nenhuma intenção foi reconhecida neste período.
alt_response_times = Gráfico de linhas do tempo médio de resposta, da mediana e da primeira resposta { $per ->
        [week] por semana
       *[day] por dia
    }; média no período: { $average }.
alt_agent_replies = Gráfico de barras: { $replies } respostas de atendentes no período.
alt_ratings = Gráfico de barras das avaliações de 1 a 5: { $counts }.
alt_ratings_count = { $count } × { $stars ->
        [one] { $stars } estrela
       *[other] { $stars } estrelas
    }
alt_messages_per_hour = Mapa de calor das mensagens por dia da semana e hora; horário de pico: { $busiest }.
alt_ai_distribution = Gráfico de barras das sessões com agentes de IA por número de mensagens do usuário; a maioria das sessões ({ $share }) teve { $messages } { $n ->
        [one] mensagem
       *[other] mensagens
    }.
alt_trend = { $figure } nos últimos { $n } períodos: { $values }.

## CSV and workbook

csv_chart = gráfico
csv_series = série
csv_label = rótulo
csv_value = valor
xlsx_key_figures = Indicadores-chave
xlsx_figure = Indicador
xlsx_this_period = Este período
xlsx_previous_period = Período anterior
xlsx_unit = Unidade
xlsx_unit_count = quantidade
xlsx_unit_ratio = razão
xlsx_unit_rating = avaliação 1–5
xlsx_unit_share = proporção
xlsx_by_week = Por semana
xlsx_by_day = Por dia
xlsx_avg_response_min = Resposta média (min)
xlsx_week_of = Semana de
xlsx_month = Mês
xlsx_intent = Intenção
xlsx_uses = Usos
xlsx_share = Proporção
xlsx_trends = Tendências
xlsx_ai_agents = Agentes de IA
xlsx_ai_agent = Agente de IA
xlsx_ai_messages = Mensagens por sessão de IA
xlsx_rating = Avaliação
xlsx_count = Quantidade
xlsx_weekday = Dia da semana
dates_line = De { $first } a { $last } ({ $zone }), comparado com { $previous }
generated_line = Gerado em { $at } pelo moveo-reports com dados da fonte “{ $source }” para a conta { $account }.
trend_note = Minigráficos: { $steps ->
        [months] os últimos { $n } meses, com o atual destacado
       *[weeks] as últimas { $n } semanas, com a atual destacada
    }.
gaps_intro = A Moveo rejeitou { $n ->
        [one] uma consulta
       *[other] { $n } consultas
    }, por isso estas seções foram omitidas:
ratings_count = { $count } { $n ->
        [0] avaliações
        [one] avaliação
       *[other] avaliações
    }
ratings_average = , média de { $average } / 5
ratings_above_3 = , { $share } acima de 3
stars_label = { $stars } de 5 estrelas

## Fixed words of the email, the HTML report and the PDF

demo_title = Dados de demonstração.
demo_text = Estes números vêm da fonte de demonstração embutida no moveo-reports, não de uma conta da Moveo.
gaps_title = Falta uma parte deste relatório.
query = consulta
highlights = Destaques
vs = vs.
note = Nota:
goals = Metas
goal = Meta
target = Alvo
actual = Real
status = Situação
goal_met = atingida
goal_missed = não atingida
no_data = sem dados
ai_agents = Agentes de IA
ai_agent = Agente de IA
avg_duration = Duração média
avg_user_messages = Média de mensagens
change = Variação
rank = Posição
before = antes
agent = Atendente
replies = Respostas
pdf_attached = O relatório completo está anexado em PDF.
view_online = Ver o relatório completo online
busiest_hour = Horário de pico
account = conta
week_by_week = Semana a semana
day_by_day = Dia a dia
ratings_and_feedback = Avaliações e comentários
page = Página

## Chat messages (Slack, Teams)

chat_compared_with = Comparado com
chat_demo = gerado com os dados de demonstração embutidos
chat_missing = Falta uma parte deste relatório
chat_open_report = Abrir o relatório (PDF)

## Dados incompletos quando o relatório foi gerado

partial_title = Dados parciais.
partial_data = Quando este relatório foi gerado, a Moveo ainda não tinha sessões de { $day } (o volume habitual de { $weekday } é de { $usual }), então os números desse dia provavelmente estão incompletos.
