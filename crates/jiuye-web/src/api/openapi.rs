//! The OpenAPI 3.1 document of `/api/v1`, written out here; a test checks that every API route of
//! the router is documented and every documented path is routed.

use axum::Json;
use serde_json::{Value, json};

fn person_input() -> Value {
    json!({
        "type": "object", "additionalProperties": false,
        "required": ["name", "id_number", "township"],
        "properties": {
            "name": {"type": "string", "description": "姓名"},
            "id_number": {"type": "string", "description": "公民身份号码（18位，GB 11643；更新时留空表示不变）"},
            "phone": {"type": "string", "description": "联系电话（更新时留空表示不变）"},
            "township": {"type": "string", "description": "乡镇(街道)名称或代码"},
            "village": {"type": "string", "description": "村(社区)名称"},
            "household_no": {"type": "string", "description": "户编号"},
            "tags": {"type": "string", "description": "人员类别，用“、”或“,”分隔"},
            "education": {"type": "string", "description": "学历"},
            "graduation_date": {"type": "string", "description": "毕业时间，如 2020-06"},
            "employment_status": {"type": "string", "enum": ["employed", "flexible", "unemployed", "not_in_labour_force", "unknown"]}
        }
    })
}

fn enterprise_input() -> Value {
    json!({
        "type": "object", "additionalProperties": false,
        "required": ["name", "credit_code", "township", "industry"],
        "properties": {
            "name": {"type": "string"}, "credit_code": {"type": "string", "description": "统一社会信用代码（GB 32100）"},
            "township": {"type": "string"}, "industry": {"type": "string"}, "staff": {"type": "string"}, "insured": {"type": "string"},
            "revenue_wan": {"type": "string", "description": "营业收入（万元，十进制字符串）"}, "contact_name": {"type": "string"},
            "contact_phone": {"type": "string", "description": "更新时留空表示不变"},
            "status": {"type": "string", "enum": ["active", "suspended", "closed", ""], "description": "经营状态；留空：新登记为 active，更新时不变"}
        }
    })
}

fn person() -> Value {
    json!({
        "type": "object",
        "properties": {
            "id": {"type": "string", "format": "uuid"}, "name": {"type": "string"},
            "id_number_masked": {"type": "string", "description": "前3后4，如 130***********1234"},
            "sex": {"type": "string", "enum": ["M", "F"]}, "birth_date": {"type": "string", "format": "date"},
            "phone_masked": {"type": ["string", "null"]}, "township_code": {"type": "string"}, "township_name": {"type": "string"},
            "village_code": {"type": ["string", "null"]}, "village_name": {"type": ["string", "null"]},
            "household_id": {"type": ["string", "null"], "format": "uuid"}, "household_no": {"type": ["string", "null"]},
            "tags": {"type": "array", "items": {"type": "string"}, "description": "非敏感人员类别代码"},
            "has_sensitive_tags": {"type": "boolean"}, "education": {"type": ["string", "null"]},
            "graduation_date": {"type": ["string", "null"], "format": "date"}, "employment_status": {"type": "string"},
            "version": {"type": "integer"}, "updated_at": {"type": "string", "format": "date-time"}
        }
    })
}

fn enterprise() -> Value {
    json!({
        "type": "object",
        "properties": {
            "id": {"type": "string", "format": "uuid"}, "name": {"type": "string"}, "credit_code": {"type": "string"},
            "township_code": {"type": "string"}, "township_name": {"type": "string"}, "industry": {"type": "string"},
            "staff": {"type": ["integer", "null"]}, "insured": {"type": ["integer", "null"]}, "revenue_wan": {"type": ["string", "null"]},
            "size_class": {"type": "string", "enum": ["large", "medium", "small", "micro"]}, "size_basis": {"type": "string"},
            "contact_name": {"type": ["string", "null"]}, "contact_phone_masked": {"type": ["string", "null"]},
            "status": {"type": "string", "enum": ["active", "suspended", "closed"]},
            "version": {"type": "integer"}, "updated_at": {"type": "string", "format": "date-time"}
        }
    })
}

fn list_of(item: &str) -> Value {
    json!({"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": format!("#/components/schemas/{item}")}}, "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"}}})
}

fn q(name: &str, desc: &str) -> Value {
    json!({"name": name, "in": "query", "required": false, "schema": {"type": "string"}, "description": desc})
}

fn paging() -> Vec<Value> {
    vec![
        json!({"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}}),
        json!({"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}}),
    ]
}

fn id_param() -> Value {
    json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}})
}

fn program_param() -> Value {
    json!({"name": "program", "in": "path", "required": true, "schema": {"type": "string"}, "description": "项目代码，如 hire_unemployed"})
}

fn if_match() -> Value {
    json!({"name": "If-Match", "in": "header", "required": true, "schema": {"type": "integer"}, "description": "记录的 version（乐观锁）"})
}

fn ok(schema: &str) -> Value {
    json!({"description": "成功", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}})
}

fn errors() -> Value {
    json!({
        "400": {"description": "请求内容无效", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        "401": {"description": "未登录", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        "403": {"description": "无权限或缺少 X-CSRF-Token", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        "404": {"description": "不存在或不在本账号的范围内", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        "409": {"description": "版本冲突", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        "422": {"description": "字段校验失败", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    })
}

fn with_errors(mut responses: Value) -> Value {
    if let (Some(r), Some(e)) = (responses.as_object_mut(), errors().as_object()) {
        for (k, v) in e {
            r.insert(k.clone(), v.clone());
        }
    }
    responses
}

fn vacancies_path() -> Value {
    json!({
        "get": {"operationId": "searchVacancies", "summary": "招聘信息检索（公开）：中文全文检索加筛选；不带 q 时列出全部已发布岗位", "security": [],
                "parameters": [
                    q("q", "检索词：按空格和中文分词切分，每个词须出现在岗位名称、职业、描述或单位名称中（“焊工”可找到电焊工、氩弧焊工）"),
                    q("township", "乡镇(街道)名称或代码；不存在时返回422"),
                    q("occupation", "职业代码、名称或常用名；不在职业目录中时返回422"),
                    q("work_type", "full_time | part_time | temporary | seasonal | flexible | platform"),
                    q("kind", "ordinary | public_welfare | government_project"),
                    json!({"name": "pay_min", "in": "query", "schema": {"type": "integer", "minimum": 0}, "description": "月薪上限不低于此数（元）"}),
                    json!({"name": "posted_within_days", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 3650}}),
                    json!({"name": "sort", "in": "query", "schema": {"type": "string", "enum": ["relevance", "newest"]}, "description": "默认：有 q 按相关度，无 q 按发布时间"}),
                    json!({"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}}),
                    json!({"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}})
                ],
                "responses": with_errors(json!({"200": {"description": "检索结果", "content": {"application/json": {"schema": {"type": "object", "properties": {
                    "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"}, "sort": {"type": "string"},
                    "terms": {"type": "array", "items": {"type": "string"}}, "items": {"type": "array", "items": {"$ref": "#/components/schemas/Vacancy"}}}}}}}}))},
        "post": {"operationId": "submitVacancy", "summary": "提交岗位待审核（企业账号、区人社局、乡镇窗口）", "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/VacancyInput"}}}},
                 "responses": with_errors(json!({"201": ok("Vacancy")}))}
    })
}

fn vacancy_path() -> Value {
    json!({
        "get": {"operationId": "getVacancy", "summary": "已发布岗位（公开）", "security": [], "parameters": [id_param()], "responses": with_errors(json!({"200": ok("Vacancy")}))}
    })
}

fn vacancy_input() -> Value {
    json!({"type": "object", "additionalProperties": false, "required": ["title", "occupation", "posts", "pay_min", "pay_max", "work_type", "address", "description", "contact_name", "contact_phone"], "properties": {
                    "kind": {"type": "string", "enum": ["ordinary", "public_welfare", "government_project"]}, "credit_code": {"type": "string", "description": "用人单位统一社会信用代码（企业账号不填）"},
                    "employer_name": {"type": "string"}, "title": {"type": "string"}, "occupation": {"type": "string"}, "posts": {"type": "string"},
                    "pay_min": {"type": "string", "description": "元/月"}, "pay_max": {"type": "string"}, "education_min": {"type": "string"}, "experience_min_years": {"type": "string"},
                    "work_type": {"type": "string"}, "township": {"type": "string"}, "address": {"type": "string"}, "description": {"type": "string"}, "how_to_apply": {"type": "string"},
                    "contact_name": {"type": "string"}, "contact_phone": {"type": "string"}, "valid_until": {"type": "string", "format": "date"}}})
}

fn vacancy() -> Value {
    json!({"type": "object", "properties": {
                    "id": {"type": "string", "format": "uuid"}, "number": {"type": "string"}, "kind": {"type": "string"}, "employer_name": {"type": "string"}, "title": {"type": "string"},
                    "occupation_code": {"type": "string"}, "occupation_name": {"type": "string"}, "posts": {"type": "integer"}, "filled": {"type": "integer"},
                    "pay_min_yuan": {"type": "integer"}, "pay_max_yuan": {"type": "integer"}, "education_min": {"type": ["string", "null"]}, "experience_min_years": {"type": ["integer", "null"]},
                    "work_type": {"type": "string"}, "township_code": {"type": "string"}, "township_name": {"type": "string"}, "address": {"type": "string"}, "description": {"type": "string"},
                    "how_to_apply": {"type": "string"}, "contact_name": {"type": "string"}, "contact_phone": {"type": "string"}, "valid_until": {"type": "string", "format": "date"},
                    "status": {"type": "string"}, "published_at": {"type": ["string", "null"], "format": "date-time"},
                    "checks": {"type": "array", "description": "提交时的信息协同比对结果（仅提交响应）"}}})
}

pub fn document() -> Value {
    let mut person_list_params = vec![
        q("name", "姓名前缀"),
        q("id_number", "公民身份号码后4位，或 bidx: 令牌"),
        q("phone", "联系电话后4位，或 bidx: 令牌"),
        q("township", "乡镇(街道)"),
        q("tag", "人员类别代码"),
        q("employment_status", "就业状态"),
        q("household_id", "户 id"),
    ];
    person_list_params.extend(paging());
    let mut ent_params = vec![
        q("name", "名称前缀"),
        q("credit_code", "统一社会信用代码"),
        q("township", "乡镇(街道)"),
        q("industry", "行业代码"),
        q("size_class", "规模"),
    ];
    ent_params.extend(paging());
    let mut hh_params = vec![
        q("household_no", "户编号"),
        q("township", "乡镇(街道)"),
        json!({"name": "none_working", "in": "query", "schema": {"type": "boolean"}}),
    ];
    hh_params.extend(paging());
    json!({
        "openapi": "3.1.0",
        "info": {"title": "jiuye 南和区就业服务系统 API", "version": "1", "description": "会话 Cookie 认证；修改类请求须带 X-CSRF-Token 头。个人信息一律脱敏返回。"},
        "paths": {
            "/api/v1/persons": {
                "get": {"operationId": "listPersons", "summary": "人员名册（按账号范围）", "parameters": person_list_params, "responses": with_errors(json!({"200": ok("PersonList")}))},
                "post": {"operationId": "createPerson", "summary": "登记人员", "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PersonInput"}}}}, "responses": with_errors(json!({"201": ok("Person")}))}
            },
            "/api/v1/persons/{id}": {
                "get": {"operationId": "getPerson", "parameters": [id_param()], "responses": with_errors(json!({"200": ok("Person")}))},
                "put": {"operationId": "updatePerson", "parameters": [id_param(), if_match()], "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PersonInput"}}}}, "responses": with_errors(json!({"200": ok("Person")}))}
            },
            "/api/v1/households": {
                "get": {"operationId": "listHouseholds", "parameters": hh_params, "responses": with_errors(json!({"200": {"description": "户列表"}}))}
            },
            "/api/v1/households/{id}": {
                "get": {"operationId": "getHousehold", "parameters": [id_param()], "responses": with_errors(json!({"200": {"description": "户及其成员"}}))}
            },
            "/api/v1/enterprises": {
                "get": {"operationId": "listEnterprises", "parameters": ent_params, "responses": with_errors(json!({"200": ok("EnterpriseList")}))},
                "post": {"operationId": "createEnterprise", "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EnterpriseInput"}}}}, "responses": with_errors(json!({"201": ok("Enterprise")}))}
            },
            "/api/v1/enterprises/{id}": {
                "get": {"operationId": "getEnterprise", "parameters": [id_param()], "responses": with_errors(json!({"200": ok("Enterprise")}))},
                "put": {"operationId": "updateEnterprise", "parameters": [id_param(), if_match()], "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EnterpriseInput"}}}}, "responses": with_errors(json!({"200": ok("Enterprise")}))}
            },
            "/api/v1/policy": {
                "get": {"operationId": "listPrograms", "summary": "政策项目目录（公开）", "security": [], "parameters": [q("as_of", "参数取值日期 YYYY-MM-DD")], "responses": with_errors(json!({"200": {"description": "全部项目及参数"}}))}
            },
            "/api/v1/policy/{program}": {
                "get": {"operationId": "getProgram", "security": [], "parameters": [program_param(), q("as_of", "参数取值日期")], "responses": with_errors(json!({"200": {"description": "项目：条件、参数、原文条款"}}))}
            },
            "/api/v1/policy/{program}/evaluate": {
                "post": {"operationId": "evaluateProgram", "summary": "逐案判断（公开，不保存数据）", "security": [], "parameters": [program_param(), q("as_of", "判断日期 YYYY-MM-DD，默认今天")],
                         "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "description": "事实：名称见 docs/RULES.md，如 person.registered_unemployed_since"}}}},
                         "responses": with_errors(json!({"200": ok("Decision")}))}
            },
            "/api/v1/vacancies": vacancies_path(),
            "/api/v1/vacancies/{id}": vacancy_path(),
            "/api/v1/openapi.json": {
                "get": {"operationId": "openapi", "responses": {"200": {"description": "本文档"}}}
            }
        },
        "components": {
            "schemas": {
                "PersonInput": person_input(), "Person": person(), "PersonList": list_of("Person"),
                "EnterpriseInput": enterprise_input(), "Enterprise": enterprise(), "EnterpriseList": list_of("Enterprise"),
                "VacancyInput": vacancy_input(), "Vacancy": vacancy(),
                "Decision": {"type": "object", "required": ["program", "decision", "amount_yuan", "conditions", "missing_facts", "parameters", "ruleset_version"], "properties": {
                    "program": {"type": "string"}, "decision": {"type": "string", "enum": ["eligible", "ineligible", "needs_facts"]},
                    "amount_yuan": {"type": ["string", "null"], "description": "元，两位小数"},
                    "conditions": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}, "measure": {"type": "string"}, "met": {"type": ["boolean", "null"]}, "text": {"type": "string"}, "clause": {"type": ["string", "null"]}}}},
                    "missing_facts": {"type": "array", "items": {"type": "string"}}, "parameters": {"type": "object"}, "ruleset_version": {"type": "string"}, "summary": {"type": "string"}}},
                "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {"code": {"type": "string"}, "message": {"type": "string"}, "fields": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"}}}}}}, "request_id": {"type": "string"}}}
            },
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "jiuye_sid"}}
        },
        "security": [{"session": []}]
    })
}

pub async fn serve() -> Json<Value> {
    Json(document())
}
